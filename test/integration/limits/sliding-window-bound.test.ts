import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RateLimitPolicy } from "../../../shared/limits/rate-limit-policy.ts";
import { RateLimiter, SLIDING_BUCKETS } from "../../../shared/limits/rate-limiter.ts";
import { RateLimitStore } from "../../../shared/store/rate-limit-store.ts";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";

let dynamo: RunningDynamo;
let store: RateLimitStore;

beforeAll(async () => {
  dynamo = await startDynamo("dynamodb-local");
  store = new RateLimitStore(dynamo.documentClient, await dynamo.createTable("state"));
});

afterAll(async () => {
  await dynamo?.stop();
});

/** mulberry32: a small seeded generator, so a failing run can be replayed exactly. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe("sliding window bound (docs/rate-limiting.md), over simulated time", () => {
  const policy: RateLimitPolicy = { limit: 20, intervalSeconds: 10, technique: "sliding", failClosed: false };
  const intervalMs = policy.intervalSeconds * 1000;
  const bucketMs = intervalMs / SLIDING_BUCKETS;

  it.each([1])(
    "seed %i: never more than the limit in any window; refusals only within one bucket of it",
    async (seed) => {
      const random = seeded(seed);
      let now = Date.parse("2026-11-25T00:00:00Z") + Math.floor(random() * intervalMs);
      const limiter = new RateLimiter(store, () => now);
      const scope = `RATE#sim#${seed}`;
      const admitted: number[] = [];
      const refusedAt: number[] = [];
      const countIn = (from: number, to: number) =>
        admitted.filter((time) => time > from && time <= to).length;

      let requests = 0;
      while (requests < 2_000) {
        // Bursty traffic: quiet gaps and bursts of up to 12 concurrent requests, several times the limit.
        now += Math.floor(-Math.log(1 - random()) * (random() < 0.2 ? 2_500 : 400));
        const burst = 1 + Math.floor(random() * 12);
        const decisions = await Promise.all(
          Array.from({ length: burst }, () => limiter.check(scope, policy)),
        );
        requests += burst;
        for (const decision of decisions) (decision.allowed ? admitted : refusedAt).push(now);
        // Strict bound: the window ending now holds at most `limit` admitted requests.
        expect(countIn(now - intervalMs, now)).toBeLessThanOrEqual(policy.limit);
      }
      // Error bound: a refusal only happens when the window stretched by one bucket is already full.
      for (const time of refusedAt)
        expect(countIn(time - intervalMs - bucketMs, time)).toBeGreaterThanOrEqual(policy.limit);
      expect(admitted.length).toBeGreaterThan(300);
      expect(refusedAt.length).toBeGreaterThan(300);
    },
    60_000,
  );
});
