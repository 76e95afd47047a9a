import { BatchGetCommand, type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  isExhausted,
  type SpendBucket,
  type SpendRequest,
  type SpendRule,
  spendBuckets,
  spentInWindow,
} from "../limits/spend-buckets.ts";
import type { SpendExceeded } from "../limits/spend-error.ts";
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
 * Staleness (docs/spend-limits.md): cost is recorded by the log-writer after the response completed and
 * the log was stored, so requests in flight, the SQS delay and the optional read cache (`cacheMs`) all
 * let a burst overshoot a limit, as Cloudflare's own check does.
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

const NANO = 1e9;
const TTL_MARGIN_SECONDS = 60;
/** BatchGetItem reads at most 100 keys a call. */
const BATCH_LIMIT = 100;
const MAX_BATCH_ATTEMPTS = 5;

const toNano = (usd: number) => Math.round(usd * NANO);

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
   * Adds a cost to each bucket's window (atomic ADD, so concurrent log-writers never lose an update).
   * `nowMs` picks the window: pass the request's time, so a late log still counts where it happened.
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
              ":ttl": (index + 2) * bucket.window + TTL_MARGIN_SECONDS,
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
   * Checks every enabled rule that applies to the request, before the upstream call. Reads each bucket's
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
