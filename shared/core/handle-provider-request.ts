import { v7 as uuidv7 } from "uuid";
import { planCache } from "../cache/cache-options.ts";
import {
  CacheRecorder,
  lookupCache,
  replayCachedResponse,
  storeCachedResponse,
  waitForCacheWrite,
} from "../cache/response-cache.ts";
import type { ErrorDialect } from "../http/error-response.ts";
import { clientResponseHeaders, upstreamRequestHeaders } from "../http/forwarded-headers.ts";
import { NULL_BODY_STATUSES } from "../http/http-fetch.ts";
import { hasBody } from "../http/node-body-response.ts";
import { observeResponseBody } from "../http/observed-node-body.ts";
import {
  checkWholeResponse,
  NO_CHECKS,
  runRequestChecks,
  transformResponse,
} from "../pipeline/checks-stage.ts";
import { CACHE_HIT_FIELDS, completeRequest } from "../pipeline/complete-request.ts";
import { enterLimits } from "../pipeline/limits-stage.ts";
import { refuseRequest } from "../pipeline/refuse-request.ts";
import { newRequestState } from "../pipeline/request-state.ts";
import { callUpstream, logFailedAttempt } from "../pipeline/upstream-stage.ts";
import { CUSTOM_COST_HEADER, parseCustomCost } from "../pricing/custom-cost.ts";
import { findProvider, providerDialect } from "../providers/registry.ts";
import { createUsageObserver } from "../providers/usage/index.ts";
import { resolveRetryPolicy } from "../resilience/retry-policy.ts";
import { midStreamFailure, streamErrorEvent } from "../resilience/stream-failure.ts";
import { resolveStreamIdleTimeout, StreamIdleWatch } from "../resilience/stream-idle-timeout.ts";
import type { RequestRecord, ResponseRecord } from "./build-log-event.ts";
import type { ExecutionContext } from "./execution-context.ts";
import { resolveGatewayAccess } from "./gateway-access.ts";
import { ERROR_CODES, GatewayError } from "./gateway-error.ts";
import { LOG_BODY_CAPTURE_LIMIT } from "./log-bodies.ts";
import { applyProviderCredentials } from "./provider-credentials.ts";
import { resolveProviderTarget } from "./provider-target.ts";
import type { ProxyDependencies } from "./proxy-dependencies.ts";
import { parseProviderPath } from "./proxy-path.ts";
import { requestModel } from "./request-model.ts";
import { parseRequestOptions, type RequestOptions } from "./request-options.ts";
import type { StepContext } from "./universal-steps.ts";
import { fetchUpstream } from "./upstream-fetch.ts";

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
  const state = newRequestState();

  try {
    const path = parseProviderPath(pathname);
    dialect = providerDialect(path.providerSlug);
    const gateway = await resolveGatewayAccess(path.accountId, path.gatewayId, request.headers, deps);
    state.gateway = gateway;
    const record: RequestRecord = {
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
    state.record = record;
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
    // The checks slot: guardrails and DLP refuse a request here, before it costs a key, a limit or a call.
    const checks = deps.checks ?? NO_CHECKS;
    await runRequestChecks(checks, { record, gateway });
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
    const { options, requestBody } = record;
    // A hit never reaches the provider, so it does not count against the rate limit (docs/rate-limiting.md).
    const limitHeaders = hit
      ? {}
      : await enterLimits(
          deps,
          state,
          { record, gateway },
          {
            provider: path.providerSlug,
            // Built only when the gateway has spend rules: the model may mean parsing the whole request body.
            spendRequest: () => ({
              provider: path.providerSlug,
              model: requestModel(path.providerSlug, path.restPath, requestBody, null),
              metadata: options.metadata,
            }),
          },
        );

    const collect = record.options.collectLog ?? gateway.collect_logs;
    const upstreamContext = {
      deps,
      execution: context,
      state,
      record,
      collect,
      attemptsBefore: stepContext?.attemptsBefore ?? 0,
    };
    const upstream = hit
      ? { response: replayCachedResponse(hit), abort: () => {} }
      : await callUpstream(
          upstreamContext,
          { policy: retryPolicy, timeoutMs: record.options.requestTimeoutMs ?? deps.upstreamTimeoutMs },
          (timeoutMs) => {
            if (stepContext) stepContext.attemptsUsed = state.attemptsMade;
            return fetchUpstream(deps.fetch, url, {
              method: request.method,
              headers: upstreamHeaders,
              body: record.requestBody,
              timeoutMs,
              pin,
            });
          },
          (attempt, response) => logFailedAttempt(upstreamContext, attempt, response),
        );
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
          upstreamSpan: state.upstreamSpan,
          response: { ...emptyResponse(upstream.response.status, contentType), upstreamHeadersAt },
          spend: state.spend,
        }),
      );
      return new Response(null, { status: upstream.response.status, headers });
    }

    const usage = createUsageObserver(provider.usageFormat, contentType);
    // A miss records the chunks as they pass, to store them once the body has ended.
    const recorder = cache && !hit ? new CacheRecorder() : null;
    const responseHead = { status: upstream.response.status, headers };
    let stored: Promise<boolean> | null = null;
    // A whole (non-stream) answer a check wants is read and checked before its status is sent: a refusal
    // (a guardrail's 424) replaces it. Streams are checked as they pass, by the transforms.
    const checked = await checkWholeResponse(checks, upstream.response, record, gateway);
    const answered = transformResponse(checks, checked, record, gateway);
    const { response, done } = observeResponseBody(answered, responseHead, {
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
    context.waitUntil(
      done.then((observation) => {
        const failure = observation.upstreamError ? midStreamFailure(observation.upstreamError) : null;
        const error = failure ? { code: failure.code, message: failure.message } : null;
        const logged = completeRequest(deps, {
          request: record,
          collect,
          upstreamSpan: state.upstreamSpan,
          response: {
            status: upstream.response.status,
            contentType,
            upstreamStartedAt: state.upstreamStartedAt,
            upstreamHeadersAt,
            observation,
            usage: usage.finish(),
            error,
            endedAt: observation.endedAt,
          },
          spend: state.spend,
          // A cache hit: its tokens are the ones it saved, and the provider was not paid for it.
          extras: hit ? { fields: CACHE_HIT_FIELDS } : {},
        });
        return Promise.all([logged, stored]);
      }),
    );
    return response;
  } catch (caught) {
    return refuseRequest(deps, context, state, caught, {
      id,
      pathname,
      dialect,
      idHeaders,
      namesModel: false,
    });
  }

  function emptyResponse(status: number, contentType: string | null): ResponseRecord {
    return {
      status,
      contentType,
      upstreamStartedAt: state.upstreamStartedAt,
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
