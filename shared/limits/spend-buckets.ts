import { createHash } from "node:crypto";
import type { SpendLimits } from "../schemas/spend-limits.ts";

/**
 * Spend limits (reference 5.5), the pure part: which rules apply to a request, which budget bucket a
 * request spends from, and how much a bucket has spent in its window. docs/spend-limits.md describes the
 * model; shared/store/spend-store.ts keeps the buckets in DynamoDB.
 *
 * Windows are fixed lengths in seconds, aligned to the Unix epoch (window n covers
 * [n * window, (n + 1) * window) seconds), never calendar periods.
 * - fixed: the spend of the current window.
 * - sliding: the two-window estimate `current + previous * (1 - elapsed / window)`, which assumes the
 *   previous window's spend was spread evenly over it. See `slidingEstimate` for its bound.
 */
export type SpendRule = SpendLimits["rules"][number];
export type SpendTechnique = SpendRule["technique"];

/** What a rule can filter or split on: the request's provider, model and custom metadata. */
export interface SpendRequest {
  provider: string | null;
  model: string | null;
  metadata: Record<string, string | number | boolean> | null;
}

/** One budget: a rule, and for a split rule one combination of the split values. */
export interface SpendBucket {
  ruleId: string;
  /** Identifies the budget within the gateway: rule id, window length and split values. Safe in a key. */
  key: string;
  window: number;
  technique: SpendTechnique;
  limit: number;
  /** The current window: floor(now / window). */
  index: number;
}

/** Split values longer than this are hashed, so a key stays far below DynamoDB's key-size limit. */
const MAX_PARTITION_KEY_LENGTH = 256;

const sameValue = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function matchesFilter(filter: { values: readonly string[] } | undefined, value: string | null): boolean {
  if (!filter) return true;
  return value !== null && filter.values.some((allowed) => sameValue(allowed, value));
}

/**
 * A rule applies when it is enabled and every filter it has matches: the provider and model (case
 * insensitive, exact ids) and each filtered metadata key (its value, as a string, among the listed
 * values; a request without the key does not match). Split (partition) keys never exclude a request.
 */
export function ruleApplies(rule: SpendRule, request: SpendRequest): boolean {
  if (!rule.enabled) return false;
  if (!matchesFilter(rule.provider, request.provider)) return false;
  if (!matchesFilter(rule.model, request.model)) return false;
  for (const [key, dimension] of Object.entries(rule.metadata ?? {})) {
    if (dimension.mode !== "filter") continue;
    const value = request.metadata?.[key];
    if (!matchesFilter(dimension, value === undefined ? null : String(value))) return false;
  }
  return true;
}

/** The window a moment falls in: floor(now / window), with now in milliseconds and window in seconds. */
export function windowIndex(nowMs: number, windowSeconds: number): number {
  return Math.floor(nowMs / 1000 / windowSeconds);
}

function partitionPart(rule: SpendRule, request: SpendRequest): string {
  const splits = Object.entries(rule.metadata ?? {})
    .filter(([, dimension]) => dimension.mode === "partition")
    .map(([key]) => key)
    .sort();
  if (splits.length === 0) return "*";
  const part = splits
    .map((key) => {
      const value = request.metadata?.[key];
      // A request without the key shares one "absent" budget: the bare key, which no value can produce.
      return value === undefined
        ? encodeURIComponent(key)
        : `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
    })
    .join("&");
  return part.length <= MAX_PARTITION_KEY_LENGTH
    ? part
    : `sha256:${createHash("sha256").update(part).digest("hex")}`;
}

/**
 * The budget buckets a request spends from under one rule, in the window containing `nowMs`: none when
 * the rule does not apply, otherwise one. A split (partition) rule gives one bucket per combination of
 * the split metadata values; a request without a split key shares the rule's "absent" bucket.
 */
export function spendBuckets(rule: SpendRule, request: SpendRequest, nowMs: number): SpendBucket[] {
  if (!ruleApplies(rule, request)) return [];
  return [
    {
      ruleId: rule.id,
      key: `${encodeURIComponent(rule.id)}#${rule.window}#${partitionPart(rule, request)}`,
      window: rule.window,
      technique: rule.technique,
      limit: rule.limit,
      index: windowIndex(nowMs, rule.window),
    },
  ];
}

/** Every bucket a request spends from, over all the gateway's rules (none when spend limits are off). */
export function spendBucketsFor(
  limits: SpendLimits | null | undefined,
  request: SpendRequest,
  nowMs: number,
) {
  if (!limits?.enabled) return [];
  return limits.rules.flatMap((rule) => spendBuckets(rule, request, nowMs));
}

/**
 * The sliding-window estimate of the spend over the last `window` seconds:
 *
 *   estimate = current + previous * (1 - elapsed / window)
 *
 * where `elapsed` is the time since the current window began. It is exact when the previous window's
 * spend was spread evenly. Its bound, with the check "refuse when estimate >= limit" and each request
 * costing at most `c`: the true spend in ANY trailing window of length `window` is below
 * `(limit + c) * (1 + elapsed / window) <= 2 * (limit + c)`, the worst case being a previous window whose
 * whole budget was spent at its very end. It also never reads more than `current + previous`, so it can
 * refuse early (by at most `previous * (1 - elapsed / window)`) when the previous window's spend came
 * early in it. docs/spend-limits.md has the derivation.
 */
export function slidingEstimate(
  current: number,
  previous: number,
  nowMs: number,
  windowSeconds: number,
): number {
  const windowMs = windowSeconds * 1000;
  const elapsed = nowMs - windowIndex(nowMs, windowSeconds) * windowMs;
  const weight = Math.min(1, Math.max(0, 1 - elapsed / windowMs));
  return current + previous * weight;
}

/** The spend a bucket has used, by its technique. */
export function spentInWindow(
  technique: SpendTechnique,
  current: number,
  previous: number,
  nowMs: number,
  windowSeconds: number,
): number {
  return technique === "fixed" ? current : slidingEstimate(current, previous, nowMs, windowSeconds);
}

/** A limit is exhausted once the spend reaches it (so a limit of 0 stops all traffic the rule covers). */
export const isExhausted = (spent: number, limit: number) => spent >= limit;
