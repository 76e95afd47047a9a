import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomProviderStore } from "../../../shared/store/custom-provider-store.ts";
import { type EmulatorName, type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";

function input(slug: string, overrides: Record<string, unknown> = {}) {
  return {
    name: `Provider ${slug}`,
    slug,
    base_url: `https://${slug}.example.com/v1`,
    description: null,
    link: null,
    enable: false,
    beta: false,
    curl_example: null,
    js_example: null,
    logo: "data:image/svg+xml;base64,AAAA",
    ...overrides,
  };
}

describe.each<EmulatorName>(["dynamodb-local", "dynalite"])("CustomProviderStore on %s", (emulator) => {
  let dynamo: RunningDynamo;
  let tableName: string;
  let store: CustomProviderStore;

  beforeAll(async () => {
    dynamo = await startDynamo(emulator);
    tableName = await dynamo.createTable("config");
    store = new CustomProviderStore(dynamo.documentClient, tableName);
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  it("creates a provider with an id, the account and unix timestamps, and gets it back", async () => {
    const created = await store.create("acct", input("acme"));
    expect(created).toMatchObject({
      account_id: "acct",
      slug: "acme",
      base_url: "https://acme.example.com/v1",
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.created_at).toBeGreaterThan(1_700_000_000);
    expect(created.created_at).toBeLessThan(10_000_000_000);
    expect(await store.get("acct", created.id)).toEqual(created);
  });

  it("finds a provider by its slug, as the proxy does", async () => {
    const created = await store.create("acct", input("by-slug"));
    expect(await store.findBySlug("acct", "by-slug")).toEqual(created);
    expect(await store.findBySlug("acct", "nope")).toBeUndefined();
    expect(await store.findBySlug("other-acct", "by-slug")).toBeUndefined();
  });

  it("refuses a second provider with the same slug in an account (409), not in another account", async () => {
    await store.create("acct", input("taken"));
    await expect(store.create("acct", input("taken"))).rejects.toMatchObject({ status: 409 });
    await expect(store.create("other-acct", input("taken"))).resolves.toMatchObject({ slug: "taken" });
  });

  it("gives a slug to exactly one of two concurrent creates", async () => {
    const results = await Promise.allSettled([
      store.create("acct", input("raced")),
      store.create("acct", input("raced")),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect((await store.list("acct", { page: 1, per_page: 100, search: "raced" })).total).toBe(1);
  });

  it("updates the given fields only, and moves the slug claim when the slug changes", async () => {
    const created = await store.create("acct", input("old-slug"));
    const updated = await store.update("acct", created.id, { slug: "new-slug", enable: true });
    expect(updated).toMatchObject({ slug: "new-slug", enable: true, name: "Provider old-slug" });
    expect(await store.findBySlug("acct", "new-slug")).toEqual(updated);
    expect(await store.findBySlug("acct", "old-slug")).toBeUndefined();
    await expect(store.create("acct", input("old-slug"))).resolves.toMatchObject({ slug: "old-slug" });
  });

  it("refuses to move a provider onto a slug another provider holds", async () => {
    const first = await store.create("acct", input("holder"));
    const second = await store.create("acct", input("mover"));
    await expect(store.update("acct", second.id, { slug: "holder" })).rejects.toMatchObject({ status: 409 });
    expect(await store.findBySlug("acct", "holder")).toEqual(first);
    expect(await store.findBySlug("acct", "mover")).toEqual(second);
  });

  it("returns undefined when updating or deleting an unknown provider", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(await store.update("acct", unknown, { name: "x" })).toBeUndefined();
    expect(await store.delete("acct", unknown)).toBeUndefined();
  });

  it("deletes a provider and frees its slug", async () => {
    const created = await store.create("acct", input("deleted"));
    expect(await store.delete("acct", created.id)).toEqual(created);
    expect(await store.get("acct", created.id)).toBeUndefined();
    expect(await store.findBySlug("acct", "deleted")).toBeUndefined();
    await expect(store.create("acct", input("deleted"))).resolves.toMatchObject({ slug: "deleted" });
  });

  it("takes over a slug claim left behind by a failed write", async () => {
    await dynamo.documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: "ACCOUNT#acct", sk: "CUSTOM_PROVIDER_SLUG#orphan", provider_id: "gone" },
      }),
    );
    await expect(store.create("acct", input("orphan"))).resolves.toMatchObject({ slug: "orphan" });
  });

  it("does not take over the claim of a create still under way (claimed, its provider not yet written)", async () => {
    // The interleaving that let two concurrent creates both succeed: the second saw the first's fresh
    // claim, found no provider behind it, and took it over as if it were left by a failed write.
    const claim = (slug: string, claimedAt: number) =>
      dynamo.documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: "ACCOUNT#acct",
            sk: `CUSTOM_PROVIDER_SLUG#${slug}`,
            provider_id: "pending",
            claimed_at: claimedAt,
          },
        }),
      );
    await claim("in-flight", Date.now());
    await expect(store.create("acct", input("in-flight"))).rejects.toMatchObject({ status: 409 });
    await claim("abandoned", Date.now() - 5 * 60_000);
    await expect(store.create("acct", input("abandoned"))).resolves.toMatchObject({ slug: "abandoned" });
  });

  it("lists with search, filters, order and pages, and counts the matches", async () => {
    await store.create("list-acct", input("zeta", { name: "Zeta", enable: true }));
    await store.create("list-acct", input("alpha", { name: "Alpha", beta: true }));
    await store.create("list-acct", input("mid", { name: "Mid", enable: true, beta: true }));
    const byName = await store.list("list-acct", { page: 1, per_page: 2 });
    expect(byName.items.map((provider) => provider.name)).toEqual(["Alpha", "Mid"]);
    expect(byName.total).toBe(3);
    const second = await store.list("list-acct", { page: 2, per_page: 2 });
    expect(second.items.map((provider) => provider.name)).toEqual(["Zeta"]);
    const desc = await store.list("list-acct", { page: 1, per_page: 10, order_by: "slug DESC" });
    expect(desc.items.map((provider) => provider.slug)).toEqual(["zeta", "mid", "alpha"]);
    const enabledBeta = await store.list("list-acct", { page: 1, per_page: 10, enable: true, beta: true });
    expect(enabledBeta.items.map((provider) => provider.slug)).toEqual(["mid"]);
    const searched = await store.list("list-acct", { page: 1, per_page: 10, search: "ALP" });
    expect(searched.items.map((provider) => provider.slug)).toEqual(["alpha"]);
  });
});
