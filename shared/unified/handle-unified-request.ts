import { v7 as uuidv7 } from "uuid";
import { planCache } from "../cache/cache-options.ts";
import type { RequestRecord, ResponseRecord } from "../core/build-log-event.ts";
import { resolveGatewayAccess } from "../core/gateway-access.ts";
import { ERROR_CODES, GatewayError, toGatewayError } from "../core/gateway-error.ts";
import type { ExecutionContext, ProxyDependencies } from "../core/handle-provider-request.ts";
import { LOG_BODY_CAPTURE_LIMIT } from "../core/log-bodies.ts";
import { parseRequestOptions, type RequestOptions } from "../core/request-options.ts";
import { errorResponse } from "../http/error-response.ts";
import { observeBody } from "../http/observed-body.ts";
import { enforceRateLimit } from "../limits/rate-limit-stage.ts";
import { enforceSpendLimits } from "../limits/spend-enforcement.ts";
import type { UpstreamSpan } from "../observability/request-observer.ts";
import { CUSTOM_COST_HEADER, parseCustomCost } from "../pricing/custom-cost.ts";
import { failedAttemptResponse } from "../resilience/attempt-log.ts";
import { DEFAULT_DEADLINE_MARGIN_MS, remainingBudget } from "../resilience/deadline.ts";
import { callWithRetries } from "../resilience/retry-loop.ts";
import { type RetryPolicy, resolveRetryPolicy } from "../resilience/retry-policy.ts";
import { realSleep } from "../resilience/sleep.ts";
import { dynamicRouteName, loadDynamicRoute } from "../routing/dynamic-model.ts";
import { admitRouteRateLimit, budgetHasRoom, recordRouteSpend } from "../routing/route-limits.ts";
import { runRoute } from "../routing/run-route.ts";
import type { Gateway } from "../schemas/gateway.ts";
import { callOperation } from "./call-operation.ts";
import type { ProviderCallResult } from "./call-provider.ts";
import { callerFormat } from "./caller-format.ts";
import { completeUnifiedRequest, type RowExtras } from "./complete-unified.ts";
import { readJsonBody } from "./read-json-body.ts";
import { resolveRestGatewayAccess } from "./rest-access.ts";
import { UnifiedCache } from "./unified-cache.ts";
import { parseUnifiedPath, unifiedFormatOf } from "./unified-path.ts";

const NO_OPTIONS: RequestOptions = {
  eventId: null,
  metadata: null,
  collectLog: null,
  collectLogPayload: true,
  requestTimeoutMs: null,
};

/**
 * The unified API: `/v1/{account}/{gateway}/compat/{chat/completions,responses,embeddings}` and
 * `/client/v4/accounts/{account}/ai/v1/{chat/completions,messages,responses,embeddings}`. The caller's request (OpenAI or
 * Anthropic format, `model: "{provider}/{model}"`) is translated to the provider's own API, and the answer
 * (whole or streamed) translated back; one log event per request, as on the provider-native surface.
 */
export async function handleUnifiedRequest(
  request: Request,
  deps: ProxyDependencies,
  context: ExecutionContext,
): Promise<Response> {
  const startedAt = deps.clock.monotonic();
  const id = uuidv7();
  const pathname = new URL(request.url).pathname;
  const idHeaders = { "cf-aig-log-id": id, "cf-aig-request-id": id, "cf-aig-event-id": id };
  let format = callerFormat(unifiedFormatOf(pathname));
  let record: RequestRecord | undefined;
  let gateway: Gateway | undefined;
  let model: string | null = null;
  let upstreamSpan: UpstreamSpan | null = null;
  let upstreamStartedAt: number | null = null;
  /** A dynamic route's fields on the request's row, and its spend once the cost is known. */
  const rowExtras: RowExtras = {};
  /** cf-aig-provider and cf-aig-model: the model a dynamic route used (reference 5.3). */
  const routeHeaders: Record<string, string> = {};

  const complete = (response: ResponseRecord) =>
    record && gateway
      ? completeUnifiedRequest(
          deps,
          record,
          model,
          record.options.collectLog ?? gateway.collect_logs,
          upstreamSpan,
          response,
          gateway.spend_limits ?? null,
          rowExtras,
        )
      : Promise.resolve();

  try {
    const path = parseUnifiedPath(pathname, request.headers);
    format = callerFormat(path.format);
    gateway =
      path.surface === "compat"
        ? await resolveGatewayAccess(path.accountId, path.gatewayId, request.headers, deps)
        : await resolveRestGatewayAccess(path.accountId, path.gatewayId, request.headers, deps);
    record = {
      id,
      eventId: id,
      accountId: path.accountId,
      gatewayId: gateway.id,
      createdAt: new Date(deps.clock.now()),
      startedAt,
      method: request.method,
      path: pathname,
      providerSlug: null,
      restPath: "",
      requestHeaders: request.headers,
      requestBody: null,
      options: NO_OPTIONS,
    };
    record.options = parseRequestOptions(request.headers);
    record.eventId = record.options.eventId ?? id;
    idHeaders["cf-aig-event-id"] = record.eventId;
    if (request.method !== "POST")
      throw GatewayError.notFound(`${request.method} is not served here: use POST`);
    parseCustomCost(request.headers.get(CUSTOM_COST_HEADER));

    const retryPolicy = resolveRetryPolicy(request.headers, gateway);
    const { bytes, json } = await readJsonBody(request, deps.maxRequestBodyBytes);
    record.requestBody = bytes;
    // Cache headers are checked on every request (a malformed one is a 400 in the caller's dialect); the
    // cache is read only when caching applies, once the provider request is known (unified-cache.ts).
    const cachePlan = planCache(gateway, request.headers, request.method, bytes?.byteLength ?? 0);
    const collect = record.options.collectLog ?? gateway.collect_logs;
    const accountId = path.accountId;
    const active = record;
    const activeGateway = gateway;
    const surface = path.surface;
    const operation = path.operation;
    const timeoutMs = record.options.requestTimeoutMs ?? deps.upstreamTimeoutMs;
    let attemptsMade = 0;
    let limitHeaders: Record<string, string> | null = null;

    /** One provider call (with its retries); every attempt that does not answer is a log row of its own. */
    const attemptProvider = (
      call: {
        body: unknown;
        policy: RetryPolicy;
        timeoutMs: number;
        useClientKey: boolean;
        cache: UnifiedCache | null;
      },
      rowFields: RowExtras["fields"],
    ) =>
      callOperation(
        operation,
        call.body,
        {
          format,
          accountId,
          gateway: activeGateway,
          surface,
          headers: request.headers,
          id,
          timeoutMs: call.timeoutMs,
          useClientKey: call.useClientKey,
          cache: call.cache,
          beforeUpstream: async (provider, providerModel, restPath, cached) => {
            active.providerSlug = provider;
            active.restPath = restPath;
            model = providerModel;
            // A hit never reaches the provider: no rate limit, no spend check, no upstream span.
            if (cached) return {};
            limitHeaders ??= await enforceRateLimit(accountId, activeGateway, deps);
            if (deps.spend) {
              await enforceSpendLimits(
                deps.spend,
                accountId,
                activeGateway.id,
                activeGateway.spend_limits,
                { provider, model: providerModel, metadata: active.options.metadata },
                deps.clock.now(),
                (error) =>
                  deps.logger.warn("spend limits unavailable; request let through", {
                    reason: String(error),
                  }),
              );
            }
            upstreamSpan = deps.observer?.upstreamStarted(provider) ?? null;
            upstreamStartedAt = deps.clock.monotonic();
            return limitHeaders;
          },
          send: async (send) => {
            const before = attemptsMade;
            const { call: answered } = await callWithRetries({
              policy: call.policy,
              timeoutMs: call.timeoutMs,
              budget: () =>
                remainingBudget(context.remainingTimeMs, deps.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS),
              sleep: deps.sleep ?? realSleep,
              now: deps.clock.now,
              monotonic: deps.clock.monotonic,
              call: (attemptTimeoutMs) => {
                attemptsMade += 1;
                active.attempt = attemptsMade;
                return send(attemptTimeoutMs);
              },
              onFailedAttempt: async (failure) =>
                logFailedRow(
                  before + failure.attempt,
                  rowFields,
                  failedAttemptResponse(failure, collect ? LOG_BODY_CAPTURE_LIMIT : 0),
                ),
            });
            return answered;
          },
        },
        deps,
      );

    /** A row for an attempt that did not answer the client: its own id, the request's request_id. */
    const logFailedRow = async (
      attempt: number,
      fields: RowExtras["fields"],
      response: ResponseRecord,
      span: UpstreamSpan | null = null,
    ) => {
      context.waitUntil(
        completeUnifiedRequest(
          deps,
          {
            ...active,
            id: uuidv7(),
            requestId: active.id,
            startedAt: response.upstreamStartedAt ?? startedAt,
            attempt,
          },
          model,
          collect,
          span,
          response,
          activeGateway.spend_limits ?? null,
          { fields },
        ),
      );
    };

    // A chat body becomes the canonical request once; Responses and embeddings prepare their own bodies.
    const canonical = operation === "chat" ? format.toCanonical(json) : null;
    const routeName = canonical === null ? null : dynamicRouteName(canonical.model);
    let result: ProviderCallResult;
    // Dynamic routes do not use the cache (docs/caching.md): a route's nodes count their own limits.
    const cache =
      cachePlan && deps.responseCache && routeName === null
        ? new UnifiedCache(deps.responseCache, cachePlan, accountId, gateway, deps.logger)
        : null;
    if (canonical === null || routeName === null) {
      result = await attemptProvider(
        { body: canonical ?? json, policy: retryPolicy, timeoutMs, useClientKey: true, cache },
        undefined,
      );
      // A hit: its tokens are the ones it saved, and the provider was not paid for it.
      if (cache?.hit) rowExtras.fields = { cached: true, cost: 0 };
    } else {
      const route = await loadDynamicRoute(routeName, deps.routes, accountId, gateway, surface);
      const routeFields = { route_name: route.name, route_version_id: route.versionId };
      rowExtras.fields = routeFields;
      // The gateway's own rate limit counts the request once, before any node runs.
      limitHeaders = await enforceRateLimit(accountId, gateway, deps);
      const scope = { accountId, gatewayId: gateway.id, routeId: route.routeId };
      const outcome = await runRoute<ProviderCallResult>(
        route.elements,
        { body: json, headers: headerMap(request.headers), metadata: record.options.metadata ?? {} },
        {
          random: deps.random ?? Math.random,
          rateLimit: (element, keyValue) =>
            admitRouteRateLimit(deps, scope, element, keyValue, deps.clock.now()),
          budget: (element) => budgetHasRoom(deps, scope, element, deps.clock.now()),
          callModel: async (element) => {
            const fields = { ...routeFields, route_element_id: element.id };
            rowExtras.fields = fields;
            const { provider, model: elementModel, timeout, retries } = element.properties;
            const attemptsBefore = attemptsMade;
            const failed = (error: GatewayError, value: ProviderCallResult | null) => {
              // A node that failed before reaching the provider (no stored key, a spend limit) still
              // made an attempt: its row must not look like a second request.
              if (attemptsMade === attemptsBefore) {
                attemptsMade += 1;
                active.attempt = attemptsMade;
              }
              if (!element.outputs.fallback) return { answered: false as const, value, error };
              // A failure the route moves on from is a row of its own; the last one is the request's row.
              value?.body.cancel().catch(() => {});
              // The model's upstream span ends with its row; the next model starts its own.
              const span = upstreamSpan;
              upstreamSpan = null;
              void logFailedRow(
                attemptsMade,
                fields,
                {
                  status: error.status,
                  contentType: "application/json",
                  upstreamStartedAt,
                  upstreamHeadersAt: value?.headersAt ?? null,
                  observation: null,
                  usage: null,
                  error: { code: error.code, message: error.message },
                  endedAt: deps.clock.monotonic(),
                },
                span,
              );
              return { answered: false as const, value: null, error };
            };
            try {
              const answer = await attemptProvider(
                {
                  body: { ...canonical, model: `${provider}/${elementModel}` },
                  policy: { ...retryPolicy, maxAttempts: retries + 1 },
                  timeoutMs: timeout ?? timeoutMs,
                  useClientKey: false,
                  cache: null,
                },
                fields,
              );
              if (answer.status < 400) return { answered: true as const, value: answer };
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
          },
        },
      );
      if (outcome.spending.length > 0 && deps.spend) {
        const spend = deps.spend;
        rowExtras.afterEvent = (event) =>
          recordRouteSpend(spend, scope, outcome.spending, event.cost, deps.clock.now());
      }
      if (active.providerSlug) {
        routeHeaders["cf-aig-provider"] = active.providerSlug;
        if (model) routeHeaders["cf-aig-model"] = model;
      }
      if (!outcome.answered && !outcome.value) throw outcome.error;
      result = outcome.value as ProviderCallResult;
    }
    const upstreamHeadersAt = result.headersAt;
    const headers = new Headers({
      ...(limitHeaders ?? {}),
      ...result.limitHeaders,
      ...idHeaders,
      ...routeHeaders,
      "content-type": result.contentType,
    });
    const cacheStatus = cache?.status;
    if (cacheStatus) headers.set("cf-aig-cache-status", cacheStatus);
    const { body, done } = observeBody(result.body, {
      captureLimit: collect && record.options.collectLogPayload ? LOG_BODY_CAPTURE_LIMIT : 0,
      monotonic: deps.clock.monotonic,
      onClientAbort: (reason) => result.abort(reason),
    });
    const finished = result;
    context.waitUntil(
      done.then((observation) => {
        const stored = cache?.storeIfWhole(observation);
        const logged = complete({
          status: finished.status,
          contentType: finished.contentType,
          upstreamStartedAt,
          upstreamHeadersAt,
          observation,
          usage: finished.usage.finish(),
          error:
            finished.error ??
            (observation.upstreamError
              ? {
                  code: ERROR_CODES.upstreamUnavailable,
                  message: "The provider connection failed mid-response",
                }
              : null),
          endedAt: observation.endedAt,
        });
        return Promise.all([logged, stored]);
      }),
    );
    return new Response(body, { status: result.status, headers });
  } catch (caught) {
    const error = toGatewayError(caught);
    if (error.status >= 500)
      deps.logger.error("request failed", { log_id: id, path: pathname, error: error.message });
    if (record && gateway) {
      context.waitUntil(
        complete({
          status: error.status,
          contentType: "application/json",
          upstreamStartedAt,
          upstreamHeadersAt: null,
          observation: null,
          usage: null,
          error: { code: error.code, message: error.message },
          endedAt: deps.clock.monotonic(),
        }),
      );
    } else {
      deps.logger.warn("request refused before a gateway was resolved", {
        log_id: id,
        path: pathname.slice(0, 300),
        status: error.status,
        error: error.publicMessage,
      });
    }
    return errorResponse(error, format.dialect, { ...idHeaders, ...routeHeaders, ...error.headers });
  }
}

/** Request headers by lower-cased name, for a route's conditions. */
function headerMap(headers: Headers): Record<string, string> {
  const map: Record<string, string> = {};
  headers.forEach((value, name) => {
    map[name.toLowerCase()] = value;
  });
  return map;
}
