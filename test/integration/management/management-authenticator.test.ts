import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../../shared/core/clock.ts";
import { ManagementAuthenticator } from "../../../shared/management/authenticator.ts";
import { TokenStore } from "../../../shared/store/token-store.ts";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";

const ADMIN = "admin-token-0123456789abcdef";
const TTL_MS = 10_000;

function manualClock(): Clock & { advance(ms: number): void } {
  let now = 1_000_000;
  return { now: () => now, monotonic: () => now, advance: (ms) => (now += ms) };
}

const bearer = (value: string) => new Headers({ authorization: `Bearer ${value}` });

describe("ManagementAuthenticator with a real TokenStore (dynalite)", () => {
  let dynamo: RunningDynamo;
  let store: TokenStore;
  let clock: ReturnType<typeof manualClock>;
  let authenticator: ManagementAuthenticator;

  beforeAll(async () => {
    dynamo = await startDynamo("dynalite");
    store = new TokenStore(dynamo.documentClient, await dynamo.createTable("config"));
    clock = manualClock();
    authenticator = new ManagementAuthenticator({
      accountId: "acct",
      tokens: store,
      adminToken: async () => ADMIN,
      ttlMs: TTL_MS,
      clock,
    });
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  it("gives the bootstrap admin token every scope", async () => {
    const caller = await authenticator.authenticate(bearer(ADMIN));
    expect(caller.tokenId).toBeNull();
    expect([...caller.scopes].sort()).toEqual(["edit", "read", "run"]);
  });

  it("gives an API token its own scopes", async () => {
    const { token, value } = await store.create("acct", { name: "reader", scopes: ["read"] });
    const caller = await authenticator.authenticate(bearer(value));
    expect(caller.tokenId).toBe(token.id);
    expect([...caller.scopes]).toEqual(["read"]);
  });

  it("refuses a missing header, another scheme, an unknown value and another account's token with 401", async () => {
    const { value: foreign } = await store.create("other-acct", { name: "foreign", scopes: ["edit"] });
    for (const headers of [
      new Headers(),
      new Headers({ authorization: `Basic ${ADMIN}` }),
      bearer("aig_unknown0000000000000000000000000000000000"),
      bearer(foreign),
    ]) {
      await expect(authenticator.authenticate(headers)).rejects.toMatchObject({ status: 401, code: 10000 });
    }
  });

  it("accepts a token created a moment ago at once (misses are not cached)", async () => {
    const value = "aig_not_yet_created";
    await expect(authenticator.authenticate(bearer(value))).rejects.toMatchObject({ status: 401 });
    const { value: created } = await store.create("acct", { name: "new", scopes: ["edit"] });
    await expect(authenticator.authenticate(bearer(created))).resolves.toMatchObject({});
  });

  it("keeps accepting a token revoked elsewhere for at most the cache TTL, then refuses it", async () => {
    const { token, value } = await store.create("acct", { name: "revoked-elsewhere", scopes: ["edit"] });
    await authenticator.authenticate(bearer(value));
    // Another instance revokes it: this one has it cached.
    await store.revoke("acct", token.id);
    clock.advance(TTL_MS - 1);
    await expect(authenticator.authenticate(bearer(value))).resolves.toMatchObject({ tokenId: token.id });
    clock.advance(1);
    await expect(authenticator.authenticate(bearer(value))).rejects.toMatchObject({ status: 401 });
  });

  it("refuses a token revoked through this instance at once", async () => {
    const { token, value } = await store.create("acct", { name: "revoked-here", scopes: ["edit"] });
    await authenticator.authenticate(bearer(value));
    await store.revoke("acct", token.id);
    authenticator.forget(token.id);
    await expect(authenticator.authenticate(bearer(value))).rejects.toMatchObject({ status: 401 });
  });
});
