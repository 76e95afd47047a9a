import { v7 as uuidv7 } from "uuid";
import { planCache } from "../cache/cache-options.ts";
import {
  CacheRecorder,
  lookupCache,
  replayCachedResponse,
  storeCachedResponse,
  waitForCacheWrite,
} from "../cache/response-cache.ts";
import { type ErrorDialect, errorResponse } from "../http/error-response.ts";
import { clientResponseHeaders, upstreamRequestHeaders } from "../http/forwarded-headers.ts";
import { NULL_BODY_STATUSES } from "../http/http-fetch.ts";
import { hasBody } from "../http/node-body-response.ts";
import { observeResponseBody } from "../http/observed-node-body.ts";
import { enforceRateLimit } from "../limits/rate-limit-stage.ts";
import { reserveSpend, type SpendReservation } from "../limits/spend-enforcement.ts";
import type { UpstreamSpan } from "../observability/request-observer.ts";
import { CACHE_HIT_FIELDS, completeRequest } from "../pipeline/complete-request.ts";
import { CUSTOM_COST_HEADER, parseCustomCost } from "../pricing/custom-cost.ts";
import { findProvider } from "../providers/registry.ts";
import { createUsageObserver } from "../providers/usage/index.ts";
import { failedAttemptResponse } from "../resilience/attempt-log.ts";
import { DEFAULT_DEADLINE_MARGIN_MS, remainingBudget } from "../resilience/deadline.ts";
import { callWithRetries } from "../resilience/retry-loop.ts";
import { resolveRetryPolicy } from "../resilience/retry-policy.ts";
import { realSleep } from "../resilience/sleep.ts";
import { midStreamFailure, streamErrorEvent } from "../resilience/stream-failure.ts";
import { resolveStreamIdleTimeout, StreamIdleWatch } from "../resilience/stream-idle-timeout.ts";
import type { Gateway } from "../schemas/gateway.ts";
import type { RequestRecord, ResponseRecord } from "./build-log-event.ts";
import type { ExecutionContext } from "./execution-context.ts";
import { resolveGatewayAccess } from "./gateway-access.ts";
import { ERROR_CODES, GatewayError, toGatewayError } from "./gateway-error.ts";
import { LOG_BODY_CAPTURE_LIMIT } from "./log-bodies.ts";
import { applyProviderCredentials } from "./provider-credentials.ts";
import { providerDialect } from "./provider-dialect.ts";
import { resolveProviderTarget } from "./provider-target.ts";
import type { ProxyDependencies } from "./proxy-dependencies.ts";
import { parseProviderPath } from "./proxy-path.ts";
import { requestModel } from "./request-model.ts";
import { parseRequestOptions, type RequestOptions } from "./request-options.ts";
import type { StepContext } from "./universal-steps.ts";
import { fetchUpstream } from "./upstream-fetch.ts";

const DEADLINE_MARGIN = DEFAULT_DEADLINE_MARGIN_MS;

const NO_OPTIONS: RequestOptions = {
  eventId: null,
  metadata: null,
  collectLog: null,
  collectLogPayload: true,
  requestTimeoutMs: null,
};

/**
 * The provider-native surface: `/v1/{account}/{gateway}/{provider}/{path}`. The request goes upstream
 * as the client sent it; the response comes back chunk by chunk as the provider sends it; one log event
 * is queued after the last byte (or the client leaving). Failures before a gateway is known are refused
 * without a gateway log (there is no gateway to hold one) and go to the structured log instead.
 */
export async function handleProviderRequest(
  request: Request,
  deps: ProxyDependencies,
  context: ExecutionContext,
  stepContext?: StepContext,
): Promise<Response> {
  const startedAt = deps.clock.monotonic();
  const id = uuidv7();
  const { pathname, search } = new URL(request.url);
  const idHeaders = { "cf-aig-log-id": id, "cf-aig-request-id": id, "cf-aig-event-id": id };
  let dialect: ErrorDialect = "openai";
  let record: RequestRecord | undefined;
  let gateway: Gateway | undefined;
  let upstreamStartedAt: number | null = null;
  let upstreamSpan: UpstreamSpan | null = null;
  let spend: SpendReservation | null = null;

  try {
    const path = parseProviderPath(pathname);
    dialect = providerDialect(path.providerSlug);
    gateway = await resolveGatewayAccess(path.accountId, path.gatewayId, request.headers, deps);
    record = {
      id,
      eventId: id,
      accountId: path.accountId,
      gatewayId: path.gatewayId,
      createdAt: new Date(deps.clock.now()),
      startedAt,
      method: request.method,
      path: pathname,
      // A slug that names no registered provider is the caller's free text: logged under no provider until
      // it resolves (a custom provider), so nobody can create analytics buckets by name (docs/logging.md).
      providerSlug: findProvider(path.providerSlug) ? path.providerSlug : null,
      restPath: path.restPath,
      requestHeaders: request.headers,
      requestBody: null,
      options: NO_OPTIONS,
      step: stepContext?.step ?? null,
      attempt: (stepContext?.attemptsBefore ?? 0) + 1,
      ...(stepContext?.requestId ? { requestId: stepContext.requestId } : {}),
    };
    record.options = parseRequestOptions(request.headers);
    record.eventId = record.options.eventId ?? id;
    idHeaders["cf-aig-event-id"] = record.eventId;

    // A malformed cf-aig-custom-cost is refused before anything goes upstream.
    parseCustomCost(request.headers.get(CUSTOM_COST_HEADER));
    const retryPolicy = resolveRetryPolicy(request.headers, gateway);
    const streamIdleTimeoutMs = resolveStreamIdleTimeout(request.headers, gateway);
    record.requestBody = await readBody(request, deps.maxRequestBodyBytes);
    // Cache headers are checked on every request; the cache is read only when caching applies.
    const cachePlan = planCache(
      gateway,
      request.headers,
      request.method,
      record.requestBody?.byteLength ?? 0,
    );
    const { provider, url, pin } = await resolveProviderTarget(
      path.accountId,
      path.providerSlug,
      path.restPath,
      search,
      deps,
    );
    record.providerSlug = path.providerSlug;
    const upstreamHeaders = upstreamRequestHeaders(request.headers);
    await applyProviderCredentials(
      {
        provider,
        accountId: path.accountId,
        gateway,
        restPath: path.restPath,
        url,
        method: request.method,
        headers: upstreamHeaders,
        body: record.requestBody,
        alias: request.headers.get("cf-aig-byok-alias"),
      },
      deps,
    );

    // After the credentials: the cache key holds the identity of the credential the provider would see.
    const cache =
      cachePlan && deps.responseCache
        ? await lookupCache(
            deps.responseCache,
            cachePlan,
            {
              accountId: path.accountId,
              gateway,
              providerSlug: path.providerSlug,
              method: request.method,
              restPath: path.restPath,
              search,
              body: record.requestBody,
              upstreamHeaders,
              upstreamUrl: url,
            },
            deps.logger,
          )
        : null;
    const hit = cache?.hit ?? null;
    // A hit never reaches the provider, so it does not count against the rate limit (docs/rate-limiting.md).
    const limitHeaders = hit ? {} : await enforceRateLimit(path.accountId, gateway, deps);
    if (!hit) {
      const { options, requestBody } = record;
      spend = await reserveSpend(deps.spend, deps.logger, {
        accountId: path.accountId,
        gatewayId: path.gatewayId,
        limits: gateway.spend_limits,
        // Built only when the gateway has spend rules: the model may mean parsing the whole request body.
        request: () => ({
          provider: path.providerSlug,
          model: requestModel(path.providerSlug, path.restPath, requestBody, null),
          metadata: options.metadata,
        }),
        body: requestBody,
        headers: request.headers,
        nowMs: deps.clock.now(),
      });
    }

    upstreamSpan = hit ? null : (deps.observer?.upstreamStarted(path.providerSlug) ?? null);
    upstreamStartedAt = hit ? null : deps.clock.monotonic();
    const collect = record.options.collectLog ?? gateway.collect_logs;
    const attemptRecord = record;
    // Counted as calls are made, so a request whose last attempt throws still logs its attempt number.
    const firstAttempt = record.attempt ?? 1;
    let attemptsMade = 0;
    const { call: upstream } = hit
      ? { call: { response: replayCachedResponse(hit), abort: () => {} } }
      : await callWithRetries({
          policy: retryPolicy,
          timeoutMs: record.options.requestTimeoutMs ?? deps.upstreamTimeoutMs,
          budget: () => remainingBudget(context.remainingTimeMs, deps.deadlineMarginMs ?? DEADLINE_MARGIN),
          sleep: deps.sleep ?? realSleep,
          now: deps.clock.now,
          monotonic: deps.clock.monotonic,
          call: (timeoutMs) => {
            attemptsMade += 1;
            attemptRecord.attempt = firstAttempt + attemptsMade - 1;
            if (stepContext) stepContext.attemptsUsed = attemptsMade;
            return fetchUpstream(deps.fetch, url, {
              method: request.method,
              headers: upstreamHeaders,
              body: attemptRecord.requestBody,
              timeoutMs,
              pin,
            });
          },
          // Each failed attempt is its own log row (its own id, the request's request_id), queued
          // without holding up the next attempt.
          onFailedAttempt: async (failure) => {
            context.waitUntil(
              completeRequest(deps, {
                request: {
                  ...attemptRecord,
                  id: uuidv7(),
                  requestId: attemptRecord.requestId ?? attemptRecord.id,
                  startedAt: failure.startedAt,
                  attempt: firstAttempt + failure.attempt - 1,
                },
                collect,
                upstreamSpan: null,
                response: failedAttemptResponse(failure, collect ? LOG_BODY_CAPTURE_LIMIT : 0),
              }),
            );
          },
        });
    const upstreamHeadersAt = deps.clock.monotonic();
    const headers = clientResponseHeaders(upstream.response.headers);
    for (const [name, value] of Object.entries(idHeaders)) headers.set(name, value);
    if (cache) headers.set("cf-aig-cache-status", hit ? "HIT" : "MISS");
    for (const [name, value] of Object.entries(limitHeaders)) headers.set(name, value);
    const contentType = upstream.response.headers.get("content-type");

    if (!hasBody(upstream.response) || NULL_BODY_STATUSES.has(upstream.response.status)) {
      context.waitUntil(
        completeRequest(deps, {
          request: record,
          collect,
          upstreamSpan,
          response: { ...emptyResponse(upstream.response.status, contentType), upstreamHeadersAt },
          spend,
        }),
      );
      return new Response(null, { status: upstream.response.status, headers });
    }

    const usage = createUsageObserver(provider.usageFormat, contentType);
    // A miss records the chunks as they pass, to store them once the body has ended.
    const recorder = cache && !hit ? new CacheRecorder() : null;
    const responseHead = { status: upstream.response.status, headers };
    let stored: Promise<boolean> | null = null;
    const { response, done } = observeResponseBody(upstream.response, responseHead, {
      captureLimit: collect && record.options.collectLogPayload ? LOG_BODY_CAPTURE_LIMIT : 0,
      monotonic: deps.clock.monotonic,
      onChunk: (chunk) => {
        usage.push(chunk);
        recorder?.push(chunk);
      },
      onClientAbort: (reason) => upstream.abort(reason),
      // After the first byte nothing is retried: a provider failing mid-stream ends it with an error event.
      failureTail: (error) => streamErrorEvent(contentType, dialect, midStreamFailure(error)),
      // A provider that goes quiet is cut after the stream idle timeout (docs/resilience.md); a hit has none.
      idle: hit ? undefined : new StreamIdleWatch(streamIdleTimeoutMs, (error) => upstream.abort(error)),
      // A whole miss is stored before its last byte, so an identical request sent on that byte hits.
      beforeEnd:
        cache && recorder
          ? (observation) => {
              stored = storeCachedResponse(cache, responseHead, recorder, observation, deps.logger);
              return waitForCacheWrite(stored);
            }
          : undefined,
    });
    const finished = record;
    const span = upstreamSpan;
    const reserved = spend;
    context.waitUntil(
      done.then((observation) => {
        const failure = observation.upstreamError ? midStreamFailure(observation.upstreamError) : null;
        const error = failure ? { code: failure.code, message: failure.message } : null;
        const logged = completeRequest(deps, {
          request: finished,
          collect,
          upstreamSpan: span,
          response: {
            status: upstream.response.status,
            contentType,
            upstreamStartedAt,
            upstreamHeadersAt,
            observation,
            usage: usage.finish(),
            error,
            endedAt: observation.endedAt,
          },
          spend: reserved,
          // A cache hit: its tokens are the ones it saved, and the provider was not paid for it.
          extras: hit ? { fields: CACHE_HIT_FIELDS } : {},
        });
        return Promise.all([logged, stored]);
      }),
    );
    return response;
  } catch (caught) {
    const error = toGatewayError(caught);
    if (error.status >= 500)
      deps.logger.error("request failed", { log_id: id, path: pathname, error: error.message });
    if (record && gateway) {
      context.waitUntil(
        completeRequest(deps, {
          request: record,
          collect: record.options.collectLog ?? gateway.collect_logs,
          upstreamSpan,
          response: {
            ...emptyResponse(error.status, "application/json"),
            error: { code: error.code, message: error.message },
          },
          spend,
        }),
      );
    } else if (!record) {
      deps.logger.warn("request refused before a gateway was resolved", {
        log_id: id,
        path: pathname.slice(0, 300),
        status: error.status,
        error: error.publicMessage,
      });
    }
    return errorResponse(error, dialect, { ...idHeaders, ...error.headers });
  }

  function emptyResponse(status: number, contentType: string | null): ResponseRecord {
    return {
      status,
      contentType,
      upstreamStartedAt,
      upstreamHeadersAt: null,
      observation: null,
      usage: null,
      error: null,
      endedAt: deps.clock.monotonic(),
    };
  }
}

async function readBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (request.method === "GET" || request.method === "HEAD") return null;
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limit) throw payloadTooLarge(limit);
  const body = new Uint8Array(await request.arrayBuffer());
  if (body.byteLength > limit) throw payloadTooLarge(limit);
  return body.byteLength > 0 ? body : null;
}

function payloadTooLarge(limit: number): GatewayError {
  return new GatewayError({
    status: 413,
    code: ERROR_CODES.payloadTooLarge,
    message: `Request body too large: the limit is ${limit} bytes`,
  });
}
