import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetCommand, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalSecretBox } from "../../../shared/security/local-secret-box.ts";
import { ProviderKeyStore } from "../../../shared/store/provider-key-store.ts";
import { type EmulatorName, type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";

const bedrockSecret = JSON.stringify({
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  region: "eu-west-1",
});

describe.each<EmulatorName>(["dynamodb-local", "dynalite"])("ProviderKeyStore on %s", (emulator) => {
  let dynamo: RunningDynamo;
  let tableName: string;
  let store: ProviderKeyStore;

  beforeAll(async () => {
    dynamo = await startDynamo(emulator);
    tableName = await dynamo.createTable("config");
    const box = new LocalSecretBox(join(mkdtempSync(join(tmpdir(), "keys-")), "master-key"));
    store = new ProviderKeyStore(dynamo.documentClient, tableName, box);
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  it("stores a key under the default alias and returns only a preview", async () => {
    const key = await store.create("acct", "gw", {
      provider_slug: "openai",
      secret: "sk-proj-0123456789abcdef",
    });
    expect(key).toMatchObject({
      gateway_id: "gw",
      provider_slug: "openai",
      alias: "default",
      secret_preview: "sk-p...cdef",
    });
    expect(JSON.stringify(key)).not.toContain("sk-proj-0123456789abcdef");
  });

  it("keeps the secret only sealed in the table", async () => {
    await store.create("acct", "sealed", {
      provider_slug: "anthropic",
      secret: "sk-ant-sealed-secret-value",
    });
    const { Items = [] } = await dynamo.documentClient.send(new ScanCommand({ TableName: tableName }));
    expect(JSON.stringify(Items)).not.toContain("sk-ant-sealed-secret-value");
  });

  it("resolves the opened secret for a provider and alias", async () => {
    await store.create("acct", "resolve", {
      provider_slug: "groq",
      alias: "team-a",
      secret: "gsk-team-a-secret-0001",
    });
    expect(await store.resolve("acct", "resolve", "groq", "team-a")).toEqual({
      secret: "gsk-team-a-secret-0001",
    });
  });

  it("lists the aliases that exist when the one asked for does not", async () => {
    await store.create("acct", "aliases", { provider_slug: "openai", secret: "sk-default-secret-0001" });
    await store.create("acct", "aliases", {
      provider_slug: "openai",
      alias: "team-b",
      secret: "sk-team-b-secret-0001",
    });
    await store.create("acct", "aliases", {
      provider_slug: "anthropic",
      alias: "other",
      secret: "sk-ant-other-secret",
    });
    const result = await store.resolve("acct", "aliases", "openai", "nope");
    expect(result).toEqual({ aliases: ["default", "team-b"] });
  });

  it("refuses a second key for the same gateway, provider and alias with 409", async () => {
    await store.create("acct", "unique", { provider_slug: "openai", secret: "sk-first-secret-000001" });
    await expect(
      store.create("acct", "unique", { provider_slug: "openai", secret: "sk-second-secret-00001" }),
    ).rejects.toMatchObject({ status: 409 });
    expect(await store.resolve("acct", "unique", "openai", "default")).toEqual({
      secret: "sk-first-secret-000001",
    });
  });

  it("validates a Bedrock key pair and previews the access key id only", async () => {
    const key = await store.create("acct", "bedrock", {
      provider_slug: "aws-bedrock",
      secret: bedrockSecret,
    });
    expect(key.secret_preview).toBe("AKIA...MPLE");
    await expect(
      store.create("acct", "bedrock", { provider_slug: "aws-bedrock", alias: "bad", secret: "AKIA:secret" }),
    ).rejects.toMatchObject({ status: 400 });
    expect(await store.resolve("acct", "bedrock", "aws-bedrock", "default")).toEqual({
      secret: bedrockSecret,
    });
  });

  it("deletes a key by id, and nothing for an unknown id or another gateway", async () => {
    const key = await store.create("acct", "delete", {
      provider_slug: "openai",
      secret: "sk-delete-me-0000001",
    });
    expect(await store.delete("acct", "other-gateway", key.id)).toBeUndefined();
    expect(await store.delete("acct", "delete", key.id)).toEqual(key);
    expect(await store.delete("acct", "delete", key.id)).toBeUndefined();
    expect(await store.list("acct", "delete")).toEqual([]);
  });

  it("deletes every key of a gateway, and every key of a provider across gateways", async () => {
    await store.create("acct", "purge-a", { provider_slug: "openai", secret: "sk-purge-secret-00001" });
    await store.create("acct", "purge-a", { provider_slug: "custom-acme", secret: "acme-secret-000000001" });
    await store.create("acct", "purge-b", { provider_slug: "custom-acme", secret: "acme-secret-000000002" });
    expect((await store.listForProvider("acct", "custom-acme")).map((key) => key.gateway_id)).toEqual([
      "purge-a",
      "purge-b",
    ]);
    expect(await store.deleteAllForProvider("acct", "custom-acme")).toBe(2);
    expect(await store.deleteAllForGateway("acct", "purge-a")).toBe(1);
    expect(await store.list("acct", "purge-a")).toEqual([]);
    expect(await store.list("acct", "purge-b")).toEqual([]);
  });

  it("cannot open a sealed secret moved to another row", async () => {
    await store.create("acct", "moved", { provider_slug: "openai", secret: "sk-moved-secret-000001" });
    const { Item } = await dynamo.documentClient.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: "ACCOUNT#acct", sk: "PROVIDER_KEY#moved#openai#default" },
      }),
    );
    await dynamo.documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...Item, sk: "PROVIDER_KEY#moved#openai#stolen", alias: "stolen" },
      }),
    );
    await expect(store.resolve("acct", "moved", "openai", "stolen")).rejects.toThrow();
  });
});
