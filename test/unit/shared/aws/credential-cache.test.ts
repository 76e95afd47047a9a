import type { AwsCredentialIdentity } from "@smithy/types";
import { describe, expect, it } from "vitest";
import { CredentialCache } from "../../../../shared/aws/credential-cache.ts";

const minute = 60_000;

/** A provider handing out numbered identities that expire `ttlMs` after `now()`, counting its calls. */
function countingProvider(now: () => number, ttlMs?: number) {
  const state = { calls: 0, fail: false };
  const provider = async (): Promise<AwsCredentialIdentity> => {
    state.calls++;
    if (state.fail) throw new Error("metadata endpoint down");
    return {
      accessKeyId: `key-${state.calls}`,
      secretAccessKey: "secret",
      ...(ttlMs === undefined ? {} : { expiration: new Date(now() + ttlMs) }),
    };
  };
  return { provider, state };
}

describe("CredentialCache", () => {
  it("asks the provider once for credentials that do not expire", async () => {
    const { provider, state } = countingProvider(() => 0);
    const cache = new CredentialCache(provider);
    expect((await cache.get()).accessKeyId).toBe("key-1");
    expect((await cache.get()).accessKeyId).toBe("key-1");
    expect(state.calls).toBe(1);
  });

  it("keeps an identity until five minutes before it expires, then refreshes it", async () => {
    let clock = 0;
    const { provider, state } = countingProvider(() => clock, 60 * minute);
    const cache = new CredentialCache(provider, () => clock);
    await cache.get();
    clock = 54 * minute;
    expect((await cache.get()).accessKeyId).toBe("key-1");
    clock = 55 * minute;
    expect((await cache.get()).accessKeyId).toBe("key-2");
    expect(state.calls).toBe(2);
  });

  it("shares one provider call between calls that arrive during a refresh", async () => {
    const { provider, state } = countingProvider(() => 0);
    const cache = new CredentialCache(provider);
    const identities = await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(identities.map((identity) => identity.accessKeyId)).toEqual(["key-1", "key-1", "key-1"]);
    expect(state.calls).toBe(1);
  });

  it("keeps using a still-valid identity when its early refresh fails, and tries again next time", async () => {
    let clock = 0;
    const { provider, state } = countingProvider(() => clock, 60 * minute);
    const cache = new CredentialCache(provider, () => clock);
    await cache.get();
    clock = 58 * minute;
    state.fail = true;
    expect((await cache.get()).accessKeyId).toBe("key-1");
    state.fail = false;
    expect((await cache.get()).accessKeyId).toBe("key-3");
  });

  it("rejects when there is no valid identity and the provider fails, and retries on the next call", async () => {
    const { provider, state } = countingProvider(() => 0);
    const cache = new CredentialCache(provider);
    state.fail = true;
    await expect(cache.get()).rejects.toThrow("metadata endpoint down");
    state.fail = false;
    expect((await cache.get()).accessKeyId).toBe("key-2");
  });

  it("does not keep a provider that throws synchronously stuck", async () => {
    let calls = 0;
    const cache = new CredentialCache(() => {
      calls++;
      if (calls === 1) throw new Error("no credentials");
      return Promise.resolve({ accessKeyId: "later", secretAccessKey: "s" });
    });
    await expect(cache.get()).rejects.toThrow("no credentials");
    expect((await cache.get()).accessKeyId).toBe("later");
  });
});
