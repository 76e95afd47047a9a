import { ERROR_CODES, GatewayError, toGatewayError } from "../core/gateway-error.ts";
import { enforceRateLimit } from "../limits/rate-limit-stage.ts";
import type { RowExtras } from "../pipeline/complete-request.ts";
import type { RetryPolicy } from "../resilience/retry-policy.ts";
import { loadDynamicRoute } from "../routing/dynamic-model.ts";
import {
  admitRouteRateLimit,
  budgetHasRoom,
  type RouteScope,
  recordRouteSpend,
} from "../routing/route-limits.ts";
import type { ModelElement } from "../routing/route-schema.ts";
import { type ModelOutcome, runRoute } from "../routing/run-route.ts";
import type { OpenAIChatRequest } from "../translation/types.ts";
import { type AttemptContext, attemptProvider, logFailedRow } from "./provider-attempt.ts";
import type { ProviderCallResult } from "./provider-call-types.ts";

/** A chat request that names a dynamic route: `model: "dynamic/<name>"` (docs/dynamic-routes.md). */
export interface DynamicRouteRequest {
  attempts: AttemptContext;
  routeName: string;
  /** The caller's request in canonical form; each model node sends it with its own model. */
  canonical: OpenAIChatRequest;
  /** The caller's body as sent, which the route's conditions and rate_limit keys read. */
  body: unknown;
  /** The gateway's retry policy; a node's `retries` replaces its attempt count. */
  retryPolicy: RetryPolicy;
  /** The request's timeout, for nodes without their own. */
  timeoutMs: number;
}

/**
 * Runs the route a chat request names and returns the answer of the model node that answered (or the
 * last failed model's answer, whose error the caller sees as the provider sent it). The gateway rate
 * limit counts the request once, before any node. Each model node is a provider call with the node's
 * retries and timeout and the gateway's stored keys; a node that fails with a `fallback` output is a log
 * row of its own and the route moves on (before the first byte reaches the client), so the request's
 * own row is the last node's. Rows carry `route_name`, `route_version_id` and `route_element_id`; the
 * response carries `cf-aig-provider` and `cf-aig-model` of the model used (reference 5.3). Both are
 * written to the request state as they become known, so a refusal is logged and answered with them.
 * Throws the route's failure when no model answered and none left an answer to pass on.
 */
export async function runDynamicRoute(request: DynamicRouteRequest): Promise<ProviderCallResult> {
  const { attempts } = request;
  const { deps, record, gateway, state } = attempts;
  const route = await loadDynamicRoute(
    request.routeName,
    deps.routes,
    record.accountId,
    gateway,
    attempts.surface,
  );
  const routeFields = { route_name: route.name, route_version_id: route.versionId };
  state.rowExtras.fields = routeFields;
  // The gateway's own rate limit counts the request once, before any node runs.
  state.limitHeaders = await enforceRateLimit(record.accountId, gateway, deps);
  const scope: RouteScope = { accountId: record.accountId, gatewayId: gateway.id, routeId: route.routeId };
  const outcome = await runRoute<ProviderCallResult>(
    route.elements,
    {
      body: request.body,
      headers: headerMap(record.requestHeaders),
      metadata: record.options.metadata ?? {},
    },
    {
      random: deps.random ?? Math.random,
      rateLimit: (element, keyValue) => admitRouteRateLimit(deps, scope, element, keyValue, deps.clock.now()),
      budget: (element) => budgetHasRoom(deps, scope, element, deps.clock.now()),
      callModel: (element) =>
        callModelNode(request, { ...routeFields, route_element_id: element.id }, element),
    },
  );
  if (outcome.spending.length > 0 && deps.spend) {
    const spend = deps.spend;
    state.rowExtras.afterEvent = (event) =>
      recordRouteSpend(spend, scope, outcome.spending, event.cost, deps.clock.now());
  }
  if (record.providerSlug) {
    state.routeHeaders["cf-aig-provider"] = record.providerSlug;
    if (state.model) state.routeHeaders["cf-aig-model"] = state.model;
  }
  if (!outcome.answered && !outcome.value) throw outcome.error;
  return outcome.value as ProviderCallResult;
}

/** A model node: one provider call with the node's model, retries and timeout. */
async function callModelNode(
  request: DynamicRouteRequest,
  fields: NonNullable<RowExtras["fields"]>,
  element: ModelElement,
): Promise<ModelOutcome<ProviderCallResult>> {
  const { attempts } = request;
  attempts.state.rowExtras.fields = fields;
  const { provider, model, timeout, retries } = element.properties;
  const attemptsBefore = attempts.state.attemptsMade;
  const failed = (error: GatewayError, value: ProviderCallResult | null) =>
    modelNodeFailed(attempts, element, fields, attemptsBefore, error, value);
  try {
    const answer = await attemptProvider(
      attempts,
      {
        body: { ...request.canonical, model: `${provider}/${model}` },
        policy: { ...request.retryPolicy, maxAttempts: retries + 1 },
        timeoutMs: timeout ?? request.timeoutMs,
        useClientKey: false,
        cache: null,
      },
      fields,
    );
    if (answer.status < 400) return { answered: true, value: answer };
    return failed(
      new GatewayError({
        status: answer.status,
        code: ERROR_CODES.upstreamUnavailable,
        message: answer.error?.message ?? `${provider} answered ${answer.status}`,
        expose: true,
      }),
      answer,
    );
  } catch (caught) {
    return failed(toGatewayError(caught), null);
  }
}

/**
 * A model node that did not answer. Without a `fallback` output its failure (and any answer to pass on)
 * goes back to the route. With one, the route moves on: the node's answer is dropped and the failure is
 * a row of its own, ending the node's upstream span; the last failure is the request's row.
 */
function modelNodeFailed(
  attempts: AttemptContext,
  element: ModelElement,
  fields: NonNullable<RowExtras["fields"]>,
  attemptsBefore: number,
  error: GatewayError,
  value: ProviderCallResult | null,
): ModelOutcome<ProviderCallResult> {
  const { deps, record, state } = attempts;
  // A node that failed before reaching the provider (no stored key, a spend limit) still made an
  // attempt: its row must not look like a second request.
  if (state.attemptsMade === attemptsBefore) {
    state.attemptsMade += 1;
    record.attempt = state.attemptsMade;
  }
  if (!element.outputs.fallback) return { answered: false, value, error };
  value?.body.cancel().catch(() => {});
  // The model's upstream span ends with its row; the next model starts its own.
  const span = state.upstreamSpan;
  state.upstreamSpan = null;
  logFailedRow(
    attempts,
    state.attemptsMade,
    fields,
    {
      status: error.status,
      contentType: "application/json",
      upstreamStartedAt: state.upstreamStartedAt,
      upstreamHeadersAt: value?.headersAt ?? null,
      observation: null,
      usage: null,
      error: { code: error.code, message: error.message },
      endedAt: deps.clock.monotonic(),
    },
    span,
  );
  return { answered: false, value: null, error };
}

/** Request headers by lower-cased name, for a route's conditions. */
function headerMap(headers: Headers): Record<string, string> {
  const map: Record<string, string> = {};
  headers.forEach((value, name) => {
    map[name.toLowerCase()] = value;
  });
  return map;
}
