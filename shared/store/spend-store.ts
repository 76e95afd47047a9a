import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  isExhausted,
  type SpendBucket,
  type SpendRequest,
  type SpendRule,
  slidingEstimate,
  spendBuckets,
  spentInWindow,
} from "../limits/spend-buckets.ts";
import type { SpendExceeded } from "../limits/spend-error.ts";
import { isConditionFailure } from "./conflict-error.ts";
import { TTL_ATTRIBUTE } from "./table-definitions.ts";

/**
 * Spend-limit buckets in the state table (env STATE_TABLE_NAME; pk/sk, TTL `expires_at`), one item per
 * bucket and window:
 *
 *   pk = "SPEND#{account}#{gateway}#{bucket key}"   sk = "{window index}"   spent_nano = integer nano-USD
 *
 * Spend is kept as an integer count of nano-dollars (1e-9 USD) so that atomic ADDs never accumulate
 * binary rounding and a sub-cent cost is never lost. An item expires two windows after its window
 * began (it is still the "previous" window of the next one, which sliding rules read).
 *
 * The gateway's rules hold under concurrency (docs/spend-limits.md): before a request is sent the proxy
 * reserves an upper bound of its cost with a conditional ADD that fails when the bound does not fit
 * (`reserve`), and afterwards settles the same item to the real cost (`settle`). The counter therefore
 * holds settled costs plus the reservations in flight. A reservation whose process died is never settled:
 * it stays in its window's item and stops counting when the window does (a sliding rule still weighs it
 * in the next window), which is the price of needing no sweeper.
 * A dynamic route's budget nodes still check (`checkBuckets`, through the read cache) and add afterwards.
 */
export interface SpendStoreOptions {
  /** Keep read bucket values this many milliseconds per Lambda instance (default 2000; 0 disables). */
  cacheMs?: number;
  /** The clock of the read cache only (bucket windows use the `now` given to each call). */
  cacheClock?: () => number;
}

export interface SpendCheck {
  exceeded: SpendExceeded | null;
}

/** What one reservation added to one bucket's window item, for `settle` to correct to the real cost. */
export interface SpendHold {
  key: { pk: string; sk: string };
  /** Nano-dollars added (0: nothing was reserved, the bucket could not be reached or the bound was 0). */
  nano: number;
  /** The item's TTL, for a settlement that finds it already deleted. */
  expiresAt: number;
}

export type SpendReserveResult =
  | { exceeded: null; holds: SpendHold[]; errors: unknown[] }
  | { exceeded: SpendExceeded; holds: []; errors: unknown[] };

type BucketOutcome =
  | { kind: "held"; hold: SpendHold }
  | { kind: "refused"; exceeded: SpendExceeded }
  | { kind: "failed"; hold: SpendHold; error: unknown };

const NANO = 1e9;
const TTL_MARGIN_SECONDS = 60;
/** BatchGetItem reads at most 100 keys a call. */
const BATCH_LIMIT = 100;
const MAX_BATCH_ATTEMPTS = 5;

const toNano = (usd: number) => Math.round(usd * NANO);
const expiryOf = (bucket: SpendBucket, index: number) => (index + 2) * bucket.window + TTL_MARGIN_SECONDS;

function itemKey(accountId: string, gatewayId: string, bucketKey: string, index: number) {
  return { pk: `SPEND#${accountId}#${gatewayId}#${bucketKey}`, sk: String(index) };
}

const cacheKeyOf = (key: { pk: string; sk: string }) => `${key.pk}\u0000${key.sk}`;

export class SpendStore {
  private readonly cacheMs: number;
  private readonly cacheClock: () => number;
  private readonly cache = new Map<string, { spentNano: number; expiresAt: number }>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: SpendStoreOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 2000;
    this.cacheClock = options.cacheClock ?? Date.now;
  }

  /**
   * Adds a cost to each bucket's window (atomic ADD, so concurrent writers never lose an update): a route
   * node's spend, once the response has completed. `nowMs` picks the window: pass the request's time.
   */
  async add(
    accountId: string,
    gatewayId: string,
    buckets: readonly SpendBucket[],
    costUsd: number,
    nowMs: number,
  ): Promise<void> {
    const nano = toNano(costUsd);
    if (!Number.isFinite(costUsd) || nano <= 0) return;
    await Promise.all(
      buckets.map((bucket) => {
        const index = Math.floor(nowMs / 1000 / bucket.window);
        const key = itemKey(accountId, gatewayId, bucket.key, index);
        const sent = this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: "ADD spent_nano :nano SET #ttl = :ttl, rule_id = :rule",
            ExpressionAttributeNames: { "#ttl": TTL_ATTRIBUTE },
            ExpressionAttributeValues: {
              ":nano": nano,
              ":ttl": expiryOf(bucket, index),
              ":rule": bucket.ruleId,
            },
          }),
        );
        // This instance's next check reads the new total rather than the one it cached before.
        return sent.then(() => this.cache.delete(cacheKeyOf(key)));
      }),
    );
  }

  /**
   * Reserves `boundUsd` in every bucket's current window, atomically per bucket: a conditional
   * `ADD spent_nano` that succeeds only while `spent + bound <= limit` (for a sliding rule, `spent` counts
   * the previous window at its weight, read first). A zero bound writes nothing and only checks
   * `spent < limit`, as a plain check does. When any bucket refuses, the reservations made in the others
   * are taken back and the first refusing bucket, in the given order, is answered. A bucket that cannot
   * be reached gets a hold of 0 and its error in `errors` (the caller decides whether to let the request
   * through); `settle` then adds the whole real cost to it.
   */
  async reserve(
    accountId: string,
    gatewayId: string,
    buckets: readonly SpendBucket[],
    boundUsd: number,
    nowMs: number,
  ): Promise<SpendReserveResult> {
    const nano = Number.isFinite(boundUsd) && boundUsd > 0 ? Math.ceil(boundUsd * NANO) : 0;
    if (nano === 0) return this.reserveNothing(accountId, gatewayId, buckets, nowMs);
    const outcomes = await Promise.all(
      buckets.map((bucket) => this.reserveOne(accountId, gatewayId, bucket, nano, nowMs)),
    );
    const errors = outcomes.flatMap((outcome) => (outcome.kind === "failed" ? [outcome.error] : []));
    const refused = outcomes.find((outcome) => outcome.kind === "refused");
    if (refused) {
      const held = outcomes.flatMap((outcome) => (outcome.kind === "held" ? [outcome.hold] : []));
      // Best effort: a take-back that fails leaves the reservation to expire with its window.
      await this.settle(held, 0).catch((error: unknown) => errors.push(error));
      return { exceeded: refused.exceeded, holds: [], errors };
    }
    return {
      exceeded: null,
      holds: outcomes.flatMap((outcome) => (outcome.kind === "refused" ? [] : [outcome.hold])),
      errors,
    };
  }

  /**
   * Corrects each hold to the real cost: `ADD spent_nano (cost - held)` on the item the hold was made in,
   * so the unused part of a reservation is returned (or, when the bound fell short, the rest is added).
   * A cost of null or below zero counts as 0: a failed request gives its whole reservation back.
   */
  async settle(holds: readonly SpendHold[], costUsd: number | null): Promise<void> {
    const cost = costUsd !== null && Number.isFinite(costUsd) && costUsd > 0 ? toNano(costUsd) : 0;
    await Promise.all(
      holds.map(async ({ key, nano, expiresAt }) => {
        const delta = cost - nano;
        if (delta === 0) return;
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            // A request that outlived its window's item (TTL: two windows) recreates it with the delta only;
            // the TTL set again removes it (no check reads a window that old).
            UpdateExpression: "ADD spent_nano :delta SET #ttl = if_not_exists(#ttl, :ttl)",
            ExpressionAttributeNames: { "#ttl": TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ":delta": delta, ":ttl": expiresAt },
          }),
        );
        this.cache.delete(cacheKeyOf(key));
      }),
    );
  }

  /** A zero bound: the plain check, and holds of 0 so that a cost known only afterwards is still added. */
  private async reserveNothing(
    accountId: string,
    gatewayId: string,
    buckets: readonly SpendBucket[],
    nowMs: number,
  ): Promise<SpendReserveResult> {
    const holds = buckets.map((bucket) => ({
      key: itemKey(accountId, gatewayId, bucket.key, bucket.index),
      nano: 0,
      expiresAt: expiryOf(bucket, bucket.index),
    }));
    try {
      const { exceeded } = await this.checkBuckets(accountId, gatewayId, buckets, nowMs);
      return exceeded ? { exceeded, holds: [], errors: [] } : { exceeded: null, holds, errors: [] };
    } catch (error) {
      return { exceeded: null, holds, errors: [error] };
    }
  }

  private async reserveOne(
    accountId: string,
    gatewayId: string,
    bucket: SpendBucket,
    nano: number,
    nowMs: number,
  ): Promise<BucketOutcome> {
    const key = itemKey(accountId, gatewayId, bucket.key, bucket.index);
    const expiresAt = expiryOf(bucket, bucket.index);
    let previousWeighted = 0;
    try {
      if (bucket.technique === "sliding") {
        // Read through the cache: once its window is over, an item changes only by late settlements, which
        // mostly return unused reservations, so a slightly stale value mostly makes the check stricter.
        const previous = itemKey(accountId, gatewayId, bucket.key, bucket.index - 1);
        const spent = (await this.read([previous])).get(cacheKeyOf(previous)) ?? 0;
        previousWeighted = Math.ceil(slidingEstimate(0, spent, nowMs, bucket.window));
      }
      // spent + bound <= limit  <=>  current <= limit - previous - bound, in whole nano-dollars.
      const ceiling = Math.floor(bucket.limit * NANO) - previousWeighted - nano;
      if (ceiling < 0) return this.refusal(bucket, key, previousWeighted);
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: "ADD spent_nano :nano SET #ttl = :ttl, rule_id = :rule",
          ConditionExpression: "attribute_not_exists(spent_nano) OR spent_nano <= :ceiling",
          ExpressionAttributeNames: { "#ttl": TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ":nano": nano,
            ":ceiling": ceiling,
            ":ttl": expiresAt,
            ":rule": bucket.ruleId,
          },
        }),
      );
      this.cache.delete(cacheKeyOf(key));
      return { kind: "held", hold: { key, nano, expiresAt } };
    } catch (error) {
      if (isConditionFailure(error)) return this.refusal(bucket, key, previousWeighted);
      return { kind: "failed", hold: { key, nano: 0, expiresAt }, error };
    }
  }

  /**
   * The refusal of a bucket, with what it holds now (settled spend and reservations in flight); only for
   * the message, so a failed read still refuses.
   */
  private async refusal(
    bucket: SpendBucket,
    key: { pk: string; sk: string },
    previousWeighted: number,
  ): Promise<BucketOutcome> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      return refusedAt(bucket, (Number(Item?.spent_nano ?? 0) + previousWeighted) / NANO);
    } catch {
      return refusedAt(bucket, previousWeighted / NANO);
    }
  }

  /**
   * Checks every enabled rule that applies to the request (a read, no reservation). Reads each bucket's
   * current window (and, for sliding rules, the previous one) in BatchGetItem calls, and answers the
   * first rule, in the gateway's order, whose spend has reached its limit.
   */
  async check(
    accountId: string,
    gatewayId: string,
    rules: readonly SpendRule[],
    request: SpendRequest,
    nowMs: number,
  ): Promise<SpendCheck> {
    return this.checkBuckets(
      accountId,
      gatewayId,
      rules.flatMap((rule) => spendBuckets(rule, request, nowMs)),
      nowMs,
    );
  }

  /**
   * The same check over buckets the caller made itself: a dynamic route's budget and cost rate-limit
   * nodes (shared/routing/route-limits.ts) keep their spend here under their own keys.
   */
  async checkBuckets(
    accountId: string,
    gatewayId: string,
    buckets: readonly SpendBucket[],
    nowMs: number,
  ): Promise<SpendCheck> {
    if (buckets.length === 0) return { exceeded: null };
    const reads = buckets.map((bucket) => ({
      bucket,
      current: itemKey(accountId, gatewayId, bucket.key, bucket.index),
      previous:
        bucket.technique === "sliding" ? itemKey(accountId, gatewayId, bucket.key, bucket.index - 1) : null,
    }));
    const spent = await this.read(
      reads.flatMap((read) => (read.previous ? [read.current, read.previous] : [read.current])),
    );
    for (const { bucket, current, previous } of reads) {
      const currentUsd = (spent.get(cacheKeyOf(current)) ?? 0) / NANO;
      const previousUsd = previous ? (spent.get(cacheKeyOf(previous)) ?? 0) / NANO : 0;
      const used = spentInWindow(bucket.technique, currentUsd, previousUsd, nowMs, bucket.window);
      if (isExhausted(used, bucket.limit)) {
        return {
          exceeded: {
            ruleId: bucket.ruleId,
            limit: bucket.limit,
            window: bucket.window,
            technique: bucket.technique,
            spent: Math.round(used * 1e9) / 1e9,
          },
        };
      }
    }
    return { exceeded: null };
  }

  /** The spent nano-dollars of each key (absent items are 0), through the read cache. */
  private async read(keys: { pk: string; sk: string }[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    const now = this.cacheClock();
    const missing = new Map<string, { pk: string; sk: string }>();
    for (const key of keys) {
      const cacheKey = cacheKeyOf(key);
      const cached = this.cacheMs > 0 ? this.cache.get(cacheKey) : undefined;
      if (cached && cached.expiresAt > now) result.set(cacheKey, cached.spentNano);
      else missing.set(cacheKey, key);
    }
    const pending = [...missing.values()];
    for (let start = 0; start < pending.length; start += BATCH_LIMIT) {
      await this.batchGet(pending.slice(start, start + BATCH_LIMIT), result);
    }
    if (this.cacheMs > 0) {
      if (this.cache.size > 10_000) this.cache.clear();
      for (const cacheKey of missing.keys()) {
        this.cache.set(cacheKey, { spentNano: result.get(cacheKey) ?? 0, expiresAt: now + this.cacheMs });
      }
    }
    return result;
  }

  private async batchGet(keys: { pk: string; sk: string }[], into: Map<string, number>): Promise<void> {
    let requested: Record<string, unknown>[] = keys;
    for (let attempt = 0; requested.length > 0; attempt += 1) {
      if (attempt >= MAX_BATCH_ATTEMPTS) throw new Error("DynamoDB left spend buckets unprocessed");
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      const output = await this.client.send(
        new BatchGetCommand({
          RequestItems: {
            [this.tableName]: { Keys: requested, ProjectionExpression: "pk, sk, spent_nano" },
          },
        }),
      );
      // Only the current and previous windows are ever read, and both outlive any TTL check: an item is
      // set to expire two windows after its own began, so no expiry check is needed here.
      for (const item of output.Responses?.[this.tableName] ?? []) {
        into.set(cacheKeyOf({ pk: String(item.pk), sk: String(item.sk) }), Number(item.spent_nano ?? 0));
      }
      requested = output.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
  }
}

function refusedAt(bucket: SpendBucket, spentUsd: number): BucketOutcome {
  return {
    kind: "refused",
    exceeded: {
      ruleId: bucket.ruleId,
      limit: bucket.limit,
      window: bucket.window,
      technique: bucket.technique,
      spent: Math.round(spentUsd * 1e9) / 1e9,
    },
  };
}
