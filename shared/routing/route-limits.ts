import { createHash } from "node:crypto";
import type { StructuredLogger } from "../core/structured-logger.ts";
import type { RateLimiter } from "../limits/rate-limiter.ts";
import { type SpendBucket, windowIndex } from "../limits/spend-buckets.ts";
import type { SpendStore } from "../store/spend-store.ts";
import type { BudgetElement, RateLimitElement } from "./route-schema.ts";
import type { SpendingNode } from "./run-route.ts";

/**
 * The counters of a route's rate_limit and budget nodes, in the state table (docs/dynamic-routes.md):
 * - count limits reuse the gateway rate limiter (shared/limits/rate-limiter.ts): one exact, atomic counter
 *   per route, element and key value, pk `RATE#ROUTE#{account}#{gateway}#{route}#{element}#{key value}`;
 * - cost limits and budgets reuse the spend buckets (shared/store/spend-store.ts): checked before the
 *   model is called, and the request's cost added once the response has completed (`recordRouteSpend`).
 * Counters belong to the route (its id), not to a version: a redeploy does not reset them.
 * Storage failures let the request through with a warning, as the gateway rate limit does by default.
 */
export interface RouteLimitDependencies {
  rateLimiter?: RateLimiter | null;
  spend?: SpendStore | null;
  logger: StructuredLogger;
}

export interface RouteScope {
  accountId: string;
  gatewayId: string;
  routeId: string;
}

/** Key values longer than this are hashed, so a key stays far below DynamoDB's key-size limit. */
const MAX_KEY_VALUE_LENGTH = 256;

function keyPart(keyValue: string): string {
  const encoded = encodeURIComponent(keyValue);
  return encoded.length <= MAX_KEY_VALUE_LENGTH
    ? encoded
    : `sha256:${createHash("sha256").update(keyValue).digest("hex")}`;
}

const elementPart = (scope: RouteScope, elementId: string) =>
  `ROUTE~${encodeURIComponent(scope.routeId)}~${encodeURIComponent(elementId)}`;

/** The spend bucket of a cost rate_limit node (per key value) or a budget node (one per node). */
export function routeSpendBucket(
  scope: RouteScope,
  element: RateLimitElement | BudgetElement,
  keyValue: string,
  nowMs: number,
): SpendBucket {
  const window = element.properties.interval;
  const technique = element.type === "rate_limit" ? element.properties.technique : "sliding";
  return {
    ruleId: `route:${element.id}`,
    key: `${elementPart(scope, element.id)}#${window}#${keyPart(keyValue)}`,
    window,
    technique,
    limit: element.properties.limit,
    index: windowIndex(nowMs, window),
  };
}

/** Admits the request under a rate_limit node; count limits are incremented here, cost limits only read. */
export async function admitRouteRateLimit(
  deps: RouteLimitDependencies,
  scope: RouteScope,
  element: RateLimitElement,
  keyValue: string,
  nowMs: number,
): Promise<boolean> {
  const { limitType, limit, interval, technique } = element.properties;
  try {
    if (limitType === "cost") return await hasRoom(deps, scope, element, keyValue, nowMs);
    if (!deps.rateLimiter) return true;
    const decision = await deps.rateLimiter.check(
      `RATE#ROUTE#${scope.accountId}#${scope.gatewayId}#${encodeURIComponent(scope.routeId)}#${encodeURIComponent(element.id)}#${keyPart(keyValue)}`,
      { limit: Math.max(1, Math.floor(limit)), intervalSeconds: interval, technique, failClosed: false },
    );
    return decision.allowed;
  } catch (error) {
    deps.logger.warn("route rate limit unavailable; request let through", {
      element_id: element.id,
      reason: String(error),
    });
    return true;
  }
}

/** Whether a budget node's window still has money left. */
export async function budgetHasRoom(
  deps: RouteLimitDependencies,
  scope: RouteScope,
  element: BudgetElement,
  nowMs: number,
): Promise<boolean> {
  try {
    return await hasRoom(deps, scope, element, "*", nowMs);
  } catch (error) {
    deps.logger.warn("route budget unavailable; request let through", {
      element_id: element.id,
      reason: String(error),
    });
    return true;
  }
}

async function hasRoom(
  deps: RouteLimitDependencies,
  scope: RouteScope,
  element: RateLimitElement | BudgetElement,
  keyValue: string,
  nowMs: number,
): Promise<boolean> {
  if (!deps.spend) return true;
  const bucket = routeSpendBucket(scope, element, keyValue, nowMs);
  const { exceeded } = await deps.spend.checkBuckets(scope.accountId, scope.gatewayId, [bucket], nowMs);
  return exceeded === null;
}

/** After the response: the request's cost goes to every cost node it passed (nothing for no cost). */
export async function recordRouteSpend(
  spend: SpendStore,
  scope: RouteScope,
  spending: readonly SpendingNode[],
  costUsd: number | null | undefined,
  nowMs: number,
): Promise<void> {
  if (costUsd === null || costUsd === undefined || !(costUsd > 0) || spending.length === 0) return;
  const buckets = spending.map((node) =>
    routeSpendBucket(scope, node.element, node.element.type === "budget" ? "*" : node.keyValue, nowMs),
  );
  await spend.add(scope.accountId, scope.gatewayId, buckets, costUsd, nowMs);
}
