import { RequestCache } from "../cache/request-cache.ts";
import type { ExecutionContext } from "../core/execution-context.ts";
import { resolveGatewayAccess } from "../core/gateway-access.ts";
import { GatewayError } from "../core/gateway-error.ts";
import { isRecord } from "../core/json-record.ts";
import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import type { StepContext } from "../core/universal-steps.ts";
import { type ArrivedRequest, admitRequest, arriveRequest } from "../pipeline/admit-stage.ts";
import { NO_CHECKS, runRequestChecks } from "../pipeline/checks-stage.ts";
import { refuseRequest } from "../pipeline/refuse-request.ts";
import { readJsonBody } from "../pipeline/request-body.ts";
import { newRequestState, type RequestState } from "../pipeline/request-state.ts";
import { respond } from "../pipeline/respond-stage.ts";
import { workersAiIdOf } from "../providers/workers-ai/platform-model.ts";
import {
  isWorkersAiEmbeddingInput,
  workersAiEmbeddingRequest,
} from "../providers/workers-ai/run-embeddings.ts";
import { dynamicRouteName } from "../routing/dynamic-model.ts";
import { type CallerFormat, callerFormat } from "./caller-format.ts";
import { type AttemptContext, attemptProvider } from "./provider-attempt.ts";
import type { ProviderCallResult } from "./provider-call-types.ts";
import { resolveRestGatewayAccess } from "./rest-access.ts";
import { runDynamicRoute } from "./run-dynamic-route.ts";
import { parseUnifiedPath, type UnifiedFormat, unifiedFormatOf } from "./unified-path.ts";
import { asWorkersAiEmbeddings } from "./workers-ai-embeddings.ts";
import { workersAiCallerFormat, workersAiRunBody } from "./workers-ai-format.ts";

/**
 * The unified API: `/v1/{account}/{gateway}/compat/{chat/completions,responses,embeddings}` and
 * `/client/v4/accounts/{account}/ai/v1/{chat/completions,messages,responses,embeddings}`. The adapter that
 * supplies this surface's formats to the pipeline's stages (shared/pipeline/): the caller's request (OpenAI
 * or Anthropic format, `model: "{provider}/{model}"`) is translated to the provider's own API, and the
 * answer (whole or streamed) translated back; one log event per request, as on the provider-native surface.
 * The provider call, its retries and the rows of failed attempts are provider-attempt.ts; a chat request
 * naming `model: "dynamic/<route>"` is handed to run-dynamic-route.ts, which calls the route's models.
 */
export async function handleUnifiedRequest(
  request: Request,
  deps: ProxyDependencies,
  context: ExecutionContext,
  /** A universal endpoint's Workers AI step: the request id every row of that request shares. */
  step?: Pick<StepContext, "requestId">,
): Promise<Response> {
  const pathname = new URL(request.url).pathname;
  const arrived = arriveRequest(request, deps, {
    dialect: formatFor(unifiedFormatOf(pathname)).dialect,
    namesModel: true,
  });
  /** What the stages learn (row, gateway, model, span, attempts, a route's fields and headers), for the last row. */
  const state = newRequestState();
  try {
    return await handleAdmissible(request, deps, context, arrived, state, step?.requestId);
  } catch (caught) {
    return refuseRequest(deps, context, state, caught, arrived);
  }
}

/** The stages in order: admit, checks, then per provider call cache, limits and upstream; respond. */
async function handleAdmissible(
  request: Request,
  deps: ProxyDependencies,
  context: ExecutionContext,
  arrived: ArrivedRequest,
  state: RequestState,
  requestId: string | undefined,
): Promise<Response> {
  const admitted = await admitRequest(request, deps, state, arrived, {
    parsePath: parseUnifiedPath,
    dialect: (path) => formatFor(path.format).dialect,
    gateway: (path, headers) =>
      path.surface === "compat"
        ? resolveGatewayAccess(path.accountId, path.gatewayId, headers, deps)
        : resolveRestGatewayAccess(path.accountId, path.gatewayId, headers, deps),
    row: (_path, gateway) => ({
      gatewayId: gateway.id,
      providerSlug: null,
      restPath: "",
      ...(requestId ? { requestId } : {}),
    }),
    refuseMethod: (method) => {
      if (method !== "POST") throw GatewayError.notFound(`${method} is not served here: use POST`);
    },
    readBody: async (body, limit) => {
      const { bytes, json } = await readJsonBody(body, limit);
      return { bytes, parsed: json };
    },
  });
  const { path, record, gateway, collect, body: sent } = admitted;
  const format = formatFor(path.format);
  // The checks slot: guardrails and DLP refuse a request here, before the cache, the limits and any call.
  const bytesBefore = record.requestBody;
  await runRequestChecks(deps.checks ?? NO_CHECKS, { record, gateway });
  // A check may rewrite the body (DLP's REDACT): the call is made from what it left.
  const checkedBody =
    record.requestBody === bytesBefore
      ? sent
      : JSON.parse(new TextDecoder().decode(record.requestBody ?? new Uint8Array()));
  // A Workers AI run is a chat turn (or, for a `text` input, embeddings) in Workers AI's shapes: its
  // model comes from the path or the envelope.
  const run = path.operation === "run" ? workersAiRunBody(checkedBody, path.pathModel) : null;
  const runEmbeddings = run !== null && isWorkersAiEmbeddingInput(run);
  const operation = run === null ? path.operation : runEmbeddings ? "embeddings" : "chat";
  const json = run === null ? checkedBody : runEmbeddings ? workersAiEmbeddingRequest(run) : run;
  const timeoutMs = record.options.requestTimeoutMs ?? deps.upstreamTimeoutMs;
  const attempts: AttemptContext = {
    deps,
    execution: context,
    record,
    gateway,
    surface: path.surface,
    operation,
    format,
    collect,
    streamIdleTimeoutMs: admitted.streamIdleTimeoutMs,
    state,
  };

  // A chat body becomes the canonical request once; Responses and embeddings prepare their own bodies.
  const canonical = operation === "chat" ? format.toCanonical(json) : null;
  // A platform model's row shows the Workers AI id the caller named beside the Bedrock model that served it.
  const named = canonical?.model ?? (isRecord(json) ? json.model : undefined);
  const platformId = typeof named === "string" ? workersAiIdOf(named) : null;
  if (platformId !== null) state.rowExtras.fields = { requested_model: platformId };
  const routeName = canonical === null ? null : dynamicRouteName(canonical.model);
  const retryPolicy = admitted.retryPolicy;
  let result: ProviderCallResult;
  // The cache is read once the provider request is known (its key is the provider's request). Dynamic
  // routes do not use it (docs/caching.md): a route's nodes count their own limits.
  const cache =
    admitted.cachePlan && deps.responseCache && routeName === null
      ? new RequestCache(deps.responseCache, admitted.cachePlan, path.accountId, gateway, deps.logger)
      : null;
  if (canonical === null || routeName === null) {
    result = await attemptProvider(
      attempts,
      { body: canonical ?? json, policy: retryPolicy, timeoutMs, useClientKey: true, cache },
      undefined,
    );
  } else {
    result = await runDynamicRoute({ attempts, routeName, canonical, body: json, retryPolicy, timeoutMs });
  }
  if (runEmbeddings) result = asWorkersAiEmbeddings(result);
  const headers = new Headers({
    ...(state.limitHeaders ?? {}),
    ...result.limitHeaders,
    ...arrived.idHeaders,
    ...state.routeHeaders,
    "content-type": result.contentType,
  });
  const finished = result;
  return respond(
    {
      deps,
      execution: context,
      state,
      record,
      collect,
      namesModel: true,
      cache,
      dialect: format.dialect,
      // The cache here holds the provider's own answer, so a hit is checked again.
      checkedCacheHit: false,
    },
    {
      response: new Response(result.body, { status: result.status, headers }),
      headers,
      contentType: result.contentType,
      upstreamHeadersAt: result.headersAt,
      usage: result.usage,
      abort: (reason) => finished.abort(reason),
      translationError: () => finished.error,
    },
  );
}

function formatFor(format: UnifiedFormat): CallerFormat {
  return format === "workers-ai" ? workersAiCallerFormat : callerFormat(format);
}
