import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";
import { type ConditionContext, evaluateCondition, resolvePath } from "./condition.ts";
import { percentageShare } from "./route-graph.ts";
import type { BudgetElement, ModelElement, RateLimitElement, RouteElement } from "./route-schema.ts";

/** What a model node's call came to: an answer to pass on, or a failure (and what to show if it is the last). */
export type ModelOutcome<T> =
  | { answered: true; value: T }
  | { answered: false; value: T | null; error: GatewayError };

/** The effects a route's nodes have; the unified handler binds them to DynamoDB and the providers. */
export interface RouteOperations<T> {
  /** A number in [0, 1): the percentage split's draw. Seeded in tests. */
  random(): number;
  /** Admits the request under a rate_limit node's counter for `keyValue`; false: over the limit. */
  rateLimit(element: RateLimitElement, keyValue: string): Promise<boolean>;
  /** Whether the budget node's window still has money left. */
  budget(element: BudgetElement): Promise<boolean>;
  callModel(element: ModelElement): Promise<ModelOutcome<T>>;
}

/** A cost-counting node the request passed through: the request's cost is added to it once known. */
export interface SpendingNode {
  element: RateLimitElement | BudgetElement;
  keyValue: string;
}

export type RouteOutcome<T> =
  | { answered: true; value: T; model: ModelElement; visited: string[]; spending: SpendingNode[] }
  | { answered: false; value: T | null; error: GatewayError; visited: string[]; spending: SpendingNode[] };

/** The key value of a rate_limit node when the request lacks the value: such requests share one counter. */
export const ABSENT_KEY_VALUE = "(absent)";

/**
 * Walks a validated route from its start (docs/dynamic-routes.md "Behaviour"). Conditionals and
 * percentages choose a branch; rate_limit and budget nodes take `success` while there is room and
 * `fallback` when not (no fallback: the route ends with their 429); a model node's `success` (an end)
 * answers, its `fallback` is taken once its attempts failed. Reaching an end without an answer gives the
 * last model's failure, or a 400 when no model was tried.
 */
export async function runRoute<T>(
  elements: readonly RouteElement[],
  request: ConditionContext,
  operations: RouteOperations<T>,
): Promise<RouteOutcome<T>> {
  const byId = new Map(elements.map((element) => [element.id, element]));
  const visited: string[] = [];
  const spending: SpendingNode[] = [];
  let lastFailure: { value: T | null; error: GatewayError } | null = null;
  const fail = (error: GatewayError, value: T | null = null): RouteOutcome<T> => ({
    answered: false,
    value,
    error,
    visited,
    spending,
  });

  let current: RouteElement | undefined = elements.find((element) => element.type === "start");
  // Validation refuses cycles; the bound only guards against a stored route that skipped it.
  for (let steps = 0; current && steps <= elements.length; steps++) {
    const element: RouteElement = current;
    visited.push(element.id);
    const next = (output: string): RouteElement | undefined => {
      const target = element.outputs[output];
      return target ? byId.get(target.elementId) : undefined;
    };
    switch (element.type) {
      case "start":
        current = next("next");
        break;
      case "conditional":
        current = next(evaluateCondition(element.properties.condition, request) ? "true" : "false");
        break;
      case "percentage":
        current = next(pickShare(Object.keys(element.outputs), operations.random()));
        break;
      case "rate_limit": {
        const keyValue = keyValueOf(element.properties.key, request);
        if (await operations.rateLimit(element, keyValue)) {
          if (element.properties.limitType === "cost") spending.push({ element, keyValue });
          current = next("success");
        } else if (element.outputs.fallback) current = next("fallback");
        else return fail(routeRateLimited(element));
        break;
      }
      case "budget":
        if (await operations.budget(element)) {
          spending.push({ element, keyValue: ABSENT_KEY_VALUE });
          current = next("success");
        } else if (element.outputs.fallback) current = next("fallback");
        else return fail(routeBudgetExceeded(element));
        break;
      case "model": {
        const outcome = await operations.callModel(element);
        if (outcome.answered)
          return { answered: true, value: outcome.value, model: element, visited, spending };
        lastFailure = outcome;
        current = next("fallback");
        if (!current) return fail(outcome.error, outcome.value);
        break;
      }
      case "end":
        return lastFailure
          ? fail(lastFailure.error, lastFailure.value)
          : fail(GatewayError.badRequest(`The route reached end "${element.id}" without calling a model`));
    }
  }
  return fail(lastFailure?.error ?? GatewayError.internal("The route has no path to an end element"));
}

/**
 * The percentage split: `draw` in [0, 1) lands in the named shares in their order (a "30%" output takes
 * a 30-point slice), and past their sum in `else`.
 */
export function pickShare(outputNames: readonly string[], draw: number): string {
  const point = draw * 100;
  let upTo = 0;
  for (const name of outputNames) {
    const share = percentageShare(name);
    if (share === null) continue;
    upTo += share;
    if (point < upTo) return name;
  }
  const named = outputNames.filter((name) => name !== "else");
  return outputNames.includes("else") ? "else" : (named[named.length - 1] as string);
}

/** The text a rate_limit node keys its counter on; absent values share one counter. */
export function keyValueOf(key: string | undefined, request: ConditionContext): string {
  if (!key) return ABSENT_KEY_VALUE;
  const { value } = resolvePath(key, request);
  if (value === undefined || value === null) return ABSENT_KEY_VALUE;
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function routeRateLimited(element: RateLimitElement): GatewayError {
  const { limit, interval, limitType } = element.properties;
  return new GatewayError({
    status: 429,
    code: ERROR_CODES.rateLimited,
    message: `Rate limited by route element "${element.id}" (${limitType} limit ${limit} per ${interval}s)`,
  });
}

export function routeBudgetExceeded(element: BudgetElement): GatewayError {
  const { limit, interval } = element.properties;
  return new GatewayError({
    status: 429,
    code: ERROR_CODES.spendLimitExceeded,
    message: `Spend limit exceeded: route budget "${element.id}" (cost limit ${limit} per ${interval}s)`,
  });
}
