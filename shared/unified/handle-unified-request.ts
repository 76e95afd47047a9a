import { v7 as uuidv7 } from "uuid";
import { planCache } from "../cache/cache-options.ts";
import { waitForCacheWrite } from "../cache/response-cache.ts";
import type { RequestRecord, ResponseRecord } from "../core/build-log-event.ts";
import type { ExecutionContext } from "../core/execution-context.ts";
import { resolveGatewayAccess } from "../core/gateway-access.ts";
import { GatewayError } from "../core/gateway-error.ts";
import { LOG_BODY_CAPTURE_LIMIT } from "../core/log-bodies.ts";
import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import { parseRequestOptions, type RequestOptions } from "../core/request-options.ts";
import { observeBody } from "../http/observed-body.ts";
import {
  activeTransforms,
  checkWholeBody,
  NO_CHECKS,
  runRequestChecks,
  transformResponseBody,
} from "../pipeline/checks-stage.ts";
import { CACHE_HIT_FIELDS, completeRequest } from "../pipeline/complete-request.ts";
import { refuseRequest } from "../pipeline/refuse-request.ts";
import { newRequestState } from "../pipeline/request-state.ts";
import { CUSTOM_COST_HEADER, parseCustomCost } from "../pricing/custom-cost.ts";
import { resolveRetryPolicy } from "../resilience/retry-policy.ts";
import { midStreamFailure, streamErrorEvent } from "../resilience/stream-failure.ts";
import { resolveStreamIdleTimeout } from "../resilience/stream-idle-timeout.ts";
import { dynamicRouteName } from "../routing/dynamic-model.ts";
import { callerFormat } from "./caller-format.ts";
import { type AttemptContext, attemptProvider } from "./provider-attempt.ts";
import type { ProviderCallResult } from "./provider-call-types.ts";
import { readJsonBody } from "./read-json-body.ts";
import { resolveRestGatewayAccess } from "./rest-access.ts";
import { runDynamicRoute } from "./run-dynamic-route.ts";
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
 * The provider call, its retries and the rows of failed attempts are provider-attempt.ts; a chat request
 * naming `model: "dynamic/<route>"` is handed to run-dynamic-route.ts, which calls the route's models.
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
  /** What the stages learn (row, gateway, model, span, attempts, a route's fields and headers), for the last row. */
  const state = newRequestState();

  const complete = (response: ResponseRecord) =>
    state.record && state.gateway
      ? completeRequest(deps, {
          request: state.record,
          namedModel: state.model,
          collect: state.record.options.collectLog ?? state.gateway.collect_logs,
          upstreamSpan: state.upstreamSpan,
          response,
          spend: state.spend,
          extras: state.rowExtras,
        })
      : Promise.resolve();

  try {
    const path = parseUnifiedPath(pathname, request.headers);
    format = callerFormat(path.format);
    const gateway =
      path.surface === "compat"
        ? await resolveGatewayAccess(path.accountId, path.gatewayId, request.headers, deps)
        : await resolveRestGatewayAccess(path.accountId, path.gatewayId, request.headers, deps);
    state.gateway = gateway;
    const record: RequestRecord = {
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
    state.record = record;
    record.options = parseRequestOptions(request.headers);
    record.eventId = record.options.eventId ?? id;
    idHeaders["cf-aig-event-id"] = record.eventId;
    if (request.method !== "POST")
      throw GatewayError.notFound(`${request.method} is not served here: use POST`);
    parseCustomCost(request.headers.get(CUSTOM_COST_HEADER));

    const retryPolicy = resolveRetryPolicy(request.headers, gateway);
    const streamIdleTimeoutMs = resolveStreamIdleTimeout(request.headers, gateway);
    const { bytes, json } = await readJsonBody(request, deps.maxRequestBodyBytes);
    record.requestBody = bytes;
    // Cache headers are checked on every request (a malformed one is a 400 in the caller's dialect); the
    // cache is read only when caching applies, once the provider request is known (unified-cache.ts).
    const cachePlan = planCache(gateway, request.headers, request.method, bytes?.byteLength ?? 0);
    // The checks slot: guardrails and DLP refuse a request here, before the cache, the limits and any call.
    const checks = deps.checks ?? NO_CHECKS;
    await runRequestChecks(checks, { record, gateway });
    const collect = record.options.collectLog ?? gateway.collect_logs;
    const timeoutMs = record.options.requestTimeoutMs ?? deps.upstreamTimeoutMs;
    const attempts: AttemptContext = {
      deps,
      execution: context,
      record,
      gateway,
      surface: path.surface,
      operation: path.operation,
      format,
      collect,
      streamIdleTimeoutMs,
      state,
    };

    // A chat body becomes the canonical request once; Responses and embeddings prepare their own bodies.
    const canonical = path.operation === "chat" ? format.toCanonical(json) : null;
    const routeName = canonical === null ? null : dynamicRouteName(canonical.model);
    let result: ProviderCallResult;
    // Dynamic routes do not use the cache (docs/caching.md): a route's nodes count their own limits.
    const cache =
      cachePlan && deps.responseCache && routeName === null
        ? new UnifiedCache(deps.responseCache, cachePlan, path.accountId, gateway, deps.logger)
        : null;
    if (canonical === null || routeName === null) {
      result = await attemptProvider(
        attempts,
        { body: canonical ?? json, policy: retryPolicy, timeoutMs, useClientKey: true, cache },
        undefined,
      );
      // A hit: its tokens are the ones it saved, and the provider was not paid for it.
      if (cache?.hit) state.rowExtras.fields = { ...CACHE_HIT_FIELDS };
    } else {
      result = await runDynamicRoute({ attempts, routeName, canonical, body: json, retryPolicy, timeoutMs });
    }
    const upstreamHeadersAt = result.headersAt;
    const headers = new Headers({
      ...(state.limitHeaders ?? {}),
      ...result.limitHeaders,
      ...idHeaders,
      ...state.routeHeaders,
      "content-type": result.contentType,
    });
    const cacheStatus = cache?.status;
    if (cacheStatus) headers.set("cf-aig-cache-status", cacheStatus);
    let stored: Promise<boolean> | undefined;
    const checked = { status: result.status, contentType: result.contentType, record, gateway };
    // A whole answer a check wants is checked before its status is sent; a refusal replaces it.
    const answered = transformResponseBody(
      checks,
      await checkWholeBody(checks, result.body, checked),
      checked,
    );
    const { body, done } = observeBody(answered, {
      captureLimit: collect && record.options.collectLogPayload ? LOG_BODY_CAPTURE_LIMIT : 0,
      monotonic: deps.clock.monotonic,
      onClientAbort: (reason) => result.abort(reason),
      // A response transform that ends a stream (a guardrail block) fails the body with a GatewayError: the
      // client gets it as an error event in its format. Without one, nothing but the provider fails it.
      failureTail:
        activeTransforms(checks, checked).length > 0
          ? (error) => streamErrorEvent(result.contentType, format.dialect, midStreamFailure(error))
          : undefined,
      // A whole miss is stored before its last byte, so an identical request sent on that byte hits.
      beforeEnd:
        cache && !cache.hit
          ? (observation) => {
              stored = cache.storeIfWhole(observation);
              return waitForCacheWrite(stored);
            }
          : undefined,
    });
    const finished = result;
    context.waitUntil(
      done.then((observation) => {
        const logged = complete({
          status: finished.status,
          contentType: finished.contentType,
          upstreamStartedAt: state.upstreamStartedAt,
          upstreamHeadersAt,
          observation,
          usage: finished.usage.finish(),
          error: finished.error ?? (observation.upstreamError ? failureOf(observation.upstreamError) : null),
          endedAt: observation.endedAt,
        });
        return Promise.all([logged, stored]);
      }),
    );
    return new Response(body, { status: result.status, headers });
  } catch (caught) {
    return refuseRequest(deps, context, state, caught, {
      id,
      pathname,
      dialect: format.dialect,
      idHeaders,
      namesModel: true,
    });
  }
}

/** A provider body that failed mid-way, as the log records it (code 7009, or 7010 for the idle timeout). */
function failureOf(error: unknown): { code: number; message: string } {
  const { code, message } = midStreamFailure(error);
  return { code, message };
}
