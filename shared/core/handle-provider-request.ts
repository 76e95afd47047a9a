import { RequestCache } from "../cache/request-cache.ts";
import { clientResponseHeaders, upstreamRequestHeaders } from "../http/forwarded-headers.ts";
import { type ArrivedRequest, admitRequest, arriveRequest } from "../pipeline/admit-stage.ts";
import { NO_CHECKS, runRequestChecks } from "../pipeline/checks-stage.ts";
import { enterLimits } from "../pipeline/limits-stage.ts";
import { refuseRequest } from "../pipeline/refuse-request.ts";
import { readPassthroughBody } from "../pipeline/request-body.ts";
import { newRequestState, type RequestState } from "../pipeline/request-state.ts";
import { respond } from "../pipeline/respond-stage.ts";
import { callUpstream, logFailedAttempt } from "../pipeline/upstream-stage.ts";
import { findProvider, providerDialect } from "../providers/registry.ts";
import { createUsageObserver } from "../providers/usage/index.ts";
import { midStreamFailure, streamErrorEvent } from "../resilience/stream-failure.ts";
import { StreamIdleWatch } from "../resilience/stream-idle-timeout.ts";
import type { ExecutionContext } from "./execution-context.ts";
import { resolveGatewayAccess } from "./gateway-access.ts";
import { applyProviderCredentials } from "./provider-credentials.ts";
import { resolveProviderTarget } from "./provider-target.ts";
import type { ProxyDependencies } from "./proxy-dependencies.ts";
import { type ProviderPath, parseProviderPath } from "./proxy-path.ts";
import { requestModel } from "./request-model.ts";
import type { StepContext } from "./universal-steps.ts";
import { fetchUpstream } from "./upstream-fetch.ts";

/**
 * The provider-native surface: `/v1/{account}/{gateway}/{provider}/{path}`, the adapter that supplies its
 * formats to the pipeline's stages (shared/pipeline/). The request goes upstream as the client sent it;
 * the response comes back chunk by chunk as the provider sends it, errors in the provider's dialect; one
 * log event is queued after the last byte (or the client leaving). Failures before a gateway is known are
 * refused without a gateway log (there is no gateway to hold one) and go to the structured log instead.
 */
export async function handleProviderRequest(
  request: Request,
  deps: ProxyDependencies,
  context: ExecutionContext,
  stepContext?: StepContext,
): Promise<Response> {
  const arrived = arriveRequest(request, deps, { dialect: "openai", namesModel: false });
  const state = newRequestState();
  try {
    return await handleAdmissible(request, deps, context, arrived, state, stepContext);
  } catch (caught) {
    return refuseRequest(deps, context, state, caught, arrived);
  }
}

/** The stages in order: admit, target, checks, credentials, cache, limits, upstream, respond. */
async function handleAdmissible(
  request: Request,
  deps: ProxyDependencies,
  context: ExecutionContext,
  arrived: ArrivedRequest,
  state: RequestState,
  stepContext: StepContext | undefined,
): Promise<Response> {
  const { search } = new URL(request.url);
  const admitted = await admitRequest(request, deps, state, arrived, {
    parsePath: (pathname) => parseProviderPath(pathname),
    dialect: (path) => providerDialect(path.providerSlug),
    gateway: (path, headers) => resolveGatewayAccess(path.accountId, path.gatewayId, headers, deps),
    row: (path: ProviderPath) => ({
      gatewayId: path.gatewayId,
      // A slug that names no registered provider is the caller's free text: logged under no provider until
      // it resolves (a custom provider), so nobody can create analytics buckets by name (docs/logging.md).
      providerSlug: findProvider(path.providerSlug) ? path.providerSlug : null,
      restPath: path.restPath,
      step: stepContext?.step ?? null,
      attempt: (stepContext?.attemptsBefore ?? 0) + 1,
      ...(stepContext?.requestId ? { requestId: stepContext.requestId } : {}),
    }),
    readBody: async (body, limit) => {
      const bytes = await readPassthroughBody(body, limit);
      return { bytes, parsed: bytes };
    },
  });
  const { path, record, gateway, collect } = admitted;
  const { provider, url, pin } = await resolveProviderTarget(
    path.accountId,
    path.providerSlug,
    path.restPath,
    search,
    deps,
  );
  record.providerSlug = path.providerSlug;
  // The checks slot: guardrails and DLP refuse a request here, before it costs a key, a limit or a call.
  await runRequestChecks(deps.checks ?? NO_CHECKS, { record, gateway });
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
    admitted.cachePlan && deps.responseCache
      ? new RequestCache(deps.responseCache, admitted.cachePlan, path.accountId, gateway, deps.logger)
      : null;
  const hit = cache
    ? await cache.find({
        providerSlug: path.providerSlug,
        method: request.method,
        restPath: path.restPath,
        search,
        body: record.requestBody,
        upstreamHeaders,
        upstreamUrl: url,
      })
    : null;
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

  const upstreamContext = {
    deps,
    execution: context,
    state,
    record,
    collect,
    attemptsBefore: stepContext?.attemptsBefore ?? 0,
  };
  const upstream =
    hit && cache
      ? cache.replay(hit)
      : await callUpstream(
          upstreamContext,
          { policy: admitted.retryPolicy, timeoutMs: options.requestTimeoutMs ?? deps.upstreamTimeoutMs },
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
  for (const [name, value] of Object.entries(arrived.idHeaders)) headers.set(name, value);
  for (const [name, value] of Object.entries(limitHeaders)) headers.set(name, value);
  const contentType = upstream.response.headers.get("content-type");
  const usage = createUsageObserver(provider.usageFormat, contentType);
  // A miss records the chunks as they pass, to store them once the body has ended.
  const recorder = cache && !hit ? cache.recordChunks({ status: upstream.response.status, headers }) : null;
  return respond(
    {
      deps,
      execution: context,
      state,
      record,
      collect,
      namesModel: false,
      cache,
      dialect: arrived.dialect,
      // A hit was checked when it was stored (its chunks are the checked body): scanning checks may pass it.
      checkedCacheHit: hit !== null,
    },
    {
      response: upstream.response,
      headers,
      contentType,
      upstreamHeadersAt,
      usage,
      abort: (reason) => upstream.abort(reason),
      observe: {
        onChunk: (chunk) => {
          usage.push(chunk);
          recorder?.push(chunk);
        },
        // After the first byte nothing is retried: a provider failing mid-stream ends it with an error event.
        failureTail: (error) => streamErrorEvent(contentType, arrived.dialect, midStreamFailure(error)),
        // A provider that goes quiet is cut after the stream idle timeout (docs/resilience.md); a hit has none.
        idle: hit
          ? undefined
          : new StreamIdleWatch(admitted.streamIdleTimeoutMs, (error) => upstream.abort(error)),
      },
    },
  );
}
