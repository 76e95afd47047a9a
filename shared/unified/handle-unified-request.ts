import { v7 as uuidv7 } from "uuid";
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
import type { Gateway } from "../schemas/gateway.ts";
import { callOperation } from "./call-operation.ts";
import { callerFormat } from "./caller-format.ts";
import { completeUnifiedRequest } from "./complete-unified.ts";
import { readJsonBody } from "./read-json-body.ts";
import { resolveRestGatewayAccess } from "./rest-access.ts";
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

    const { bytes, json } = await readJsonBody(request, deps.maxRequestBodyBytes);
    record.requestBody = bytes;
    const collect = record.options.collectLog ?? gateway.collect_logs;
    const accountId = path.accountId;
    const active = record;
    const activeGateway = gateway;

    const result = await callOperation(
      path.operation,
      json,
      {
        format,
        accountId,
        gateway,
        surface: path.surface,
        headers: request.headers,
        id,
        timeoutMs: record.options.requestTimeoutMs ?? deps.upstreamTimeoutMs,
        beforeUpstream: async (provider, providerModel, restPath) => {
          active.providerSlug = provider;
          active.restPath = restPath;
          model = providerModel;
          const limitHeaders = await enforceRateLimit(accountId, activeGateway, deps);
          if (deps.spend) {
            await enforceSpendLimits(
              deps.spend,
              accountId,
              activeGateway.id,
              activeGateway.spend_limits,
              { provider, model: providerModel, metadata: active.options.metadata },
              deps.clock.now(),
              (error) =>
                deps.logger.warn("spend limits unavailable; request let through", { reason: String(error) }),
            );
          }
          upstreamSpan = deps.observer?.upstreamStarted(provider) ?? null;
          upstreamStartedAt = deps.clock.monotonic();
          return limitHeaders;
        },
      },
      deps,
    );
    const upstreamHeadersAt = result.headersAt;
    const headers = new Headers({ ...result.limitHeaders, ...idHeaders, "content-type": result.contentType });
    const { body, done } = observeBody(result.body, {
      captureLimit: collect && record.options.collectLogPayload ? LOG_BODY_CAPTURE_LIMIT : 0,
      monotonic: deps.clock.monotonic,
      onClientAbort: (reason) => result.abort(reason),
    });
    context.waitUntil(
      done.then((observation) =>
        complete({
          status: result.status,
          contentType: result.contentType,
          upstreamStartedAt,
          upstreamHeadersAt,
          observation,
          usage: result.usage.finish(),
          error:
            result.error ??
            (observation.upstreamError
              ? {
                  code: ERROR_CODES.upstreamUnavailable,
                  message: "The provider connection failed mid-response",
                }
              : null),
          endedAt: observation.endedAt,
        }),
      ),
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
    return errorResponse(error, format.dialect, { ...idHeaders, ...error.headers });
  }
}
