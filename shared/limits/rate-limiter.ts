import type { CounterValue } from "../store/rate-limit-store.ts";
import type { RateLimitPolicy } from "./rate-limit-policy.ts";

/** What the limiter needs of the counter store (shared/store/rate-limit-store.ts). */
export interface CounterStore {
  incrementBelow(pk: string, sk: string, cap: number, expiresAt: number): Promise<number | null>;
  read(pk: string, from: string, to: string): Promise<CounterValue[]>;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in the window after this one (0 when refused). */
  remaining: number;
  /** Seconds until the quota next grows: the fixed window's end, or the oldest sliding bucket leaving. */
  resetSeconds: number;
}

/** Sub-buckets per interval for the sliding technique: the refusal error is at most one bucket long. */
export const SLIDING_BUCKETS = 10;

const seconds = (milliseconds: number) => Math.max(1, Math.ceil(milliseconds / 1000));
/** Fixed-width bucket numbers, so the sort keys of one interval order (and range) numerically. */
const padded = (index: number) => String(index).padStart(16, "0");

/**
 * The gateway rate limit over shared DynamoDB counters (docs/rate-limiting.md).
 *
 * fixed: calendar-aligned windows, window = floor(now / interval); one conditional ADD admits the request
 * while the window's count is below the limit. Exact: N concurrent requests admit exactly `limit`.
 *
 * sliding: the interval is split into 10 buckets; a request at time t is admitted when the buckets
 * overlapping (t - interval, t] (the current one, and the oldest counted whole) hold fewer than `limit`.
 * Older buckets no longer change, so the sum of the older ones is read once and the current bucket is
 * incremented with the condition `count < limit - older`: atomic like the fixed window. Because the
 * oldest bucket is counted whole, no interval-long window ever holds more than `limit` admitted requests;
 * a refusal can come early by at most one bucket (interval / 10).
 */
export class RateLimiter {
  constructor(
    private readonly store: CounterStore,
    private readonly now: () => number = Date.now,
  ) {}

  check(scope: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    return policy.technique === "sliding" ? this.sliding(scope, policy) : this.fixed(scope, policy);
  }

  private async fixed(scope: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    const now = this.now();
    const intervalMs = policy.intervalSeconds * 1000;
    const window = Math.floor(now / intervalMs);
    const endsAt = (window + 1) * intervalMs;
    const count = await this.store.incrementBelow(
      scope,
      `FIXED#${policy.intervalSeconds}#${padded(window)}`,
      policy.limit,
      Math.ceil(endsAt / 1000) + policy.intervalSeconds,
    );
    return {
      allowed: count !== null,
      limit: policy.limit,
      remaining: count === null ? 0 : policy.limit - count,
      resetSeconds: seconds(endsAt - now),
    };
  }

  private async sliding(scope: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    const now = this.now();
    const bucketMs = (policy.intervalSeconds * 1000) / SLIDING_BUCKETS;
    const current = Math.floor(now / bucketMs);
    const prefix = `SLIDING#${policy.intervalSeconds}#`;
    const stored = await this.store.read(
      scope,
      `${prefix}${padded(current - SLIDING_BUCKETS)}`,
      `${prefix}${padded(current)}`,
    );
    // counts[i] is bucket (current - SLIDING_BUCKETS + i); the last one is the current bucket.
    const counts = new Array<number>(SLIDING_BUCKETS + 1).fill(0);
    for (const { sk, count } of stored) {
      const offset = Number(sk.slice(prefix.length)) - (current - SLIDING_BUCKETS);
      if (offset >= 0 && offset <= SLIDING_BUCKETS) counts[offset] = count;
    }
    const older = counts.slice(0, SLIDING_BUCKETS).reduce((sum, count) => sum + count, 0);
    const cap = policy.limit - older;
    const expiresAt = Math.ceil(((current + 1) * bucketMs) / 1000) + policy.intervalSeconds;
    const count = await this.store.incrementBelow(scope, `${prefix}${padded(current)}`, cap, expiresAt);
    counts[SLIDING_BUCKETS] = count ?? Math.max(counts[SLIDING_BUCKETS] ?? 0, cap);
    const bucketStart = (index: number) => (current - SLIDING_BUCKETS + index) * bucketMs;
    if (count === null) {
      // Admitted again once enough of the oldest buckets have left the window.
      let total = counts.reduce((sum, value) => sum + value, 0);
      let dropped = 0;
      while (total >= policy.limit && dropped <= SLIDING_BUCKETS) total -= counts[dropped++] ?? 0;
      const reopensAt = bucketStart(dropped + SLIDING_BUCKETS);
      return { allowed: false, limit: policy.limit, remaining: 0, resetSeconds: seconds(reopensAt - now) };
    }
    const oldest = counts.findIndex((value) => value > 0);
    return {
      allowed: true,
      limit: policy.limit,
      remaining: Math.max(0, policy.limit - older - count),
      resetSeconds: seconds(bucketStart(oldest + SLIDING_BUCKETS + 1) - now),
    };
  }
}
