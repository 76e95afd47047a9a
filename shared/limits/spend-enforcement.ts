import { TtlCache } from "../core/ttl-cache.ts";
import type { LogEvent } from "../schemas/log-event.ts";
import type { SpendLimits } from "../schemas/spend-limits.ts";
import type { GatewayStore } from "../store/gateway-store.ts";
import type { SpendCheck, SpendStore } from "../store/spend-store.ts";
import { type SpendRequest, spendBucketsFor } from "./spend-buckets.ts";
import { spendLimitExceededError } from "./spend-error.ts";

/**
 * The call sites of spend limits, ready-made so that each is one line (docs/spend-limits.md):
 * - the proxy, before the upstream call: `await enforceSpendLimits(...)` throws the 429 / 2041 GatewayError;
 * - the log-writer, after a new log is stored: `await recordSpend(...)` adds its cost to every bucket.
 */

/**
 * Refuses the request (throws the 2041 GatewayError) when an applicable rule's budget is exhausted. Does
 * nothing, and reads nothing, when spend limits are off or have no rules; `request` may then be a function,
 * called only when there are rules to check (working out the model may mean parsing the whole body). A storage failure is reported
 * to `onError` and the request let through (fail-open: a budget check must not take the gateway down with
 * DynamoDB); pass an `onError` that rethrows to fail closed.
 */
export async function enforceSpendLimits(
  store: SpendStore,
  accountId: string,
  gatewayId: string,
  limits: SpendLimits | null | undefined,
  requestOrBuild: SpendRequest | (() => SpendRequest),
  nowMs: number,
  onError: (error: unknown) => void = () => {},
): Promise<void> {
  if (!limits?.enabled || limits.rules.length === 0) return;
  const request = typeof requestOrBuild === "function" ? requestOrBuild() : requestOrBuild;
  let exceeded: SpendCheck["exceeded"];
  try {
    ({ exceeded } = await store.check(accountId, gatewayId, limits.rules, request, nowMs));
  } catch (error) {
    onError(error);
    return;
  }
  if (exceeded) throw spendLimitExceededError(exceeded, request.provider, request.model);
}

/**
 * Adds a stored log's cost to the buckets of every applicable rule, in the window of the request's
 * `created_at`. Nothing happens for a log without a positive cost, a cache hit (no provider spend), or
 * spend limits that are off. Answers whether anything was added.
 */
export async function recordSpend(
  store: SpendStore,
  limits: SpendLimits | null | undefined,
  event: LogEvent,
): Promise<boolean> {
  const cost = event.cost ?? null;
  if (cost === null || !(cost > 0) || event.cached) return false;
  const at = Date.parse(event.created_at);
  const nowMs = Number.isFinite(at) ? at : Date.now();
  const buckets = spendBucketsFor(
    limits,
    { provider: event.provider, model: event.model, metadata: event.metadata },
    nowMs,
  );
  if (buckets.length === 0) return false;
  await store.add(event.account_id, event.gateway_id, buckets, cost, nowMs);
  return true;
}

/**
 * The log-writer's view of each gateway's `spend_limits`, read from the config table and kept in memory
 * for `ttlMs` (as `gatewayRetention` does for `log_management`). A changed rule applies within that time.
 */
export function gatewaySpendLimits(
  gateways: Pick<GatewayStore, "get">,
  ttlMs = 30_000,
  now: () => number = Date.now,
): (accountId: string, gatewayId: string) => Promise<SpendLimits | null> {
  const cache = new TtlCache<SpendLimits | null>(ttlMs, now);
  return (accountId, gatewayId) =>
    cache.get(`${accountId}#${gatewayId}`, async () => {
      const limits = (await gateways.get(accountId, gatewayId))?.spend_limits;
      return limits?.enabled && limits.rules.length > 0 ? limits : null;
    });
}
