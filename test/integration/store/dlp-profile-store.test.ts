import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DlpProfileStore } from "../../../shared/store/dlp-profile-store.ts";
import { type EmulatorName, type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";

const codeNames = {
  name: "Code names",
  entries: [
    { name: "Project ids", enabled: true, pattern: { regex: "PRJ-[0-9]{6}" } },
    { name: "Code words", enabled: false, words: ["bluebird", "nightjar"] },
  ],
};

describe.each<EmulatorName>(["dynamodb-local", "dynalite"])("DlpProfileStore on %s", (emulator) => {
  let dynamo: RunningDynamo;
  let store: DlpProfileStore;

  beforeAll(async () => {
    dynamo = await startDynamo(emulator);
    store = new DlpProfileStore(dynamo.documentClient, await dynamo.createTable("config"));
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  it("creates a profile with ids for it and its entries, and gets it back", async () => {
    const created = await store.create("acct", codeNames);
    expect(created).toMatchObject({
      account_id: "acct",
      name: "Code names",
      description: null,
      entries: [
        { name: "Project ids", enabled: true, pattern: { regex: "PRJ-[0-9]{6}" } },
        { name: "Code words", enabled: false, words: ["bluebird", "nightjar"] },
      ],
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.entries[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await store.get("acct", created.id)).toEqual(created);
    expect(await store.get("other", created.id)).toBeUndefined();
  });

  it("lists the account's profiles by name, and no other account's", async () => {
    await store.create("list-acct", { name: "b" });
    await store.create("list-acct", { name: "a" });
    await store.create("someone-else", { name: "c" });
    expect((await store.list("list-acct")).map((profile) => profile.name)).toEqual(["a", "b"]);
  });

  it("updates: an entry named by entry_id keeps its id, others are new; omitted entries are kept", async () => {
    const created = await store.create("acct", codeNames);
    const kept = created.entries[0];
    const updated = await store.update("acct", created.id, {
      name: "Renamed",
      entries: [
        { entry_id: kept?.id, name: "Project ids", enabled: false, pattern: { regex: "PRJ-[0-9]{7}" } },
      ],
    });
    expect(updated?.entries).toEqual([
      expect.objectContaining({ id: kept?.id, enabled: false, pattern: { regex: "PRJ-[0-9]{7}" } }),
    ]);
    const renamed = await store.update("acct", created.id, { name: "Renamed again" });
    expect(renamed?.entries).toEqual(updated?.entries);
    expect(await store.get("acct", created.id)).toEqual(renamed);
    expect(await store.update("acct", "00000000-0000-4000-8000-000000000000", { name: "x" })).toBeUndefined();
  });

  it("deletes a profile and returns it; a second delete finds nothing", async () => {
    const created = await store.create("acct", { name: "gone" });
    expect(await store.delete("acct", created.id)).toEqual(created);
    expect(await store.delete("acct", created.id)).toBeUndefined();
    expect(await store.get("acct", created.id)).toBeUndefined();
  });
});
