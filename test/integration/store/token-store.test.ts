import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenStore } from "../../../shared/store/token-store.ts";
import { type EmulatorName, type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";

describe.each<EmulatorName>(["dynamodb-local", "dynalite"])("TokenStore on %s", (emulator) => {
  let dynamo: RunningDynamo;
  let tableName: string;
  let store: TokenStore;

  beforeAll(async () => {
    dynamo = await startDynamo(emulator);
    tableName = await dynamo.createTable("config");
    store = new TokenStore(dynamo.documentClient, tableName);
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  it("creates a token and returns its value once, in the aig_ format", async () => {
    const { token, value } = await store.create("acct", { name: "ci", scopes: ["read", "edit"] });
    expect(value).toMatch(/^aig_[A-Za-z0-9_-]{40,}$/);
    expect(token).toMatchObject({ name: "ci", scopes: ["read", "edit"], revoked_at: null });
    expect(token.value_preview).toBe(`${value.slice(0, 8)}...${value.slice(-4)}`);
    expect(token).not.toHaveProperty("value");
  });

  it("stores only the SHA-256 of the value, never the value", async () => {
    const { value } = await store.create("acct", { name: "hashed", scopes: ["run"] });
    const { Items = [] } = await dynamo.documentClient.send(new ScanCommand({ TableName: tableName }));
    expect(JSON.stringify(Items)).not.toContain(value);
    expect(JSON.stringify(Items)).not.toContain(value.slice(8, -4));
  });

  it("finds a token by its value, and nothing for a wrong or foreign value", async () => {
    const { token, value } = await store.create("acct", { name: "lookup", scopes: ["run"] });
    expect(await store.findByValue("acct", value)).toEqual(token);
    expect(await store.findByValue("acct", `${value}x`)).toBeUndefined();
    expect(await store.findByValue("acct", "not-a-token")).toBeUndefined();
    expect(await store.findByValue("other-acct", value)).toBeUndefined();
  });

  it("lists the account's tokens oldest first, without values", async () => {
    const { value } = await store.create("listed", { name: "first", scopes: ["read"] });
    await store.create("listed", { name: "second", scopes: ["edit"] });
    const tokens = await store.list("listed");
    expect(tokens.map((token) => token.name)).toEqual(["first", "second"]);
    expect(JSON.stringify(tokens)).not.toContain(value);
  });

  it("revokes a token: it is still found, with revoked_at set, and revoking again keeps the first time", async () => {
    const { token, value } = await store.create("acct", { name: "revoked", scopes: ["run"] });
    const revoked = await store.revoke("acct", token.id);
    expect(revoked?.revoked_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect((await store.findByValue("acct", value))?.revoked_at).toBe(revoked?.revoked_at);
    expect((await store.revoke("acct", token.id))?.revoked_at).toBe(revoked?.revoked_at);
  });

  it("returns undefined when revoking an unknown token or another account's", async () => {
    const { token } = await store.create("acct", { name: "mine", scopes: ["run"] });
    expect(await store.revoke("acct", "00000000-0000-4000-8000-000000000000")).toBeUndefined();
    expect(await store.revoke("other-acct", token.id)).toBeUndefined();
  });
});
