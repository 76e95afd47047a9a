import { v7 as uuidv7 } from "uuid";
import { type ErrorDialect, errorResponse } from "../http/error-response.ts";
import { clientResponseHeaders, upstreamRequestHeaders } from "../http/forwarded-headers.ts";
import { observeBody } from "../http/observed-body.ts";
import { createUsageObserver } from "../providers/usage/index.ts";
import type { LogSink } from "../queue/log-sink.ts";
import type { Gateway } from "../schemas/gateway.ts";
import { buildLogEvent, type RequestRecord, type ResponseRecord } from "./build-log-event.ts";
import type { Clock } from "./clock.ts";
import { type GatewayAccessDependencies, resolveGatewayAccess } from "./gateway-access.ts";
import { ERROR_CODES, GatewayError, toGatewayError } from "./gateway-error.ts";
import { LOG_BODY_CAPTURE_LIMIT } from "./log-bodies.ts";
import { applyProviderCredentials, type CredentialDependencies } from "./provider-credentials.ts";
import { providerDialect } from "./provider-dialect.ts";
import { type ProviderTargetDependencies, resolveProviderTarget } from "./provider-target.ts";
import { parseProviderPath } from "./proxy-path.ts";
import { parseRequestOptions, type RequestOptions } from "./request-options.ts";
import type { StructuredLogger } from "./structured-logger.ts";
import { fetchUpstream } from "./upstream-fetch.ts";

export interface ProxyDependencies
  extends GatewayAccessDependencies,
    ProviderTargetDependencies,
    CredentialDependencies {
  logSink: LogSink;
  fetch: typeof fetch;
  clock: Clock;
  logger: StructuredLogger;
  upstreamTimeoutMs: number;
  maxRequestBodyBytes: number;
}

/** Work the adapter must let finish after the response has been sent (the log event). */
export interface ExecutionContext {
  waitUntil(work: Promise<unknown>): void;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

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
): Promise<Response> {
  const startedAt = deps.clock.monotonic();
  const id = uuidv7();
  const pathname = new URL(request.url).pathname;
  const idHeaders = { "cf-aig-log-id": id, "cf-aig-request-id": id, "cf-aig-event-id": id };
  let dialect: ErrorDialect = "openai";
  let record: RequestRecord | undefined;
  let gateway: Gateway | undefined;

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
      providerSlug: path.providerSlug,
      restPath: path.restPath,
      requestHeaders: request.headers,
      requestBody: null,
      options: NO_OPTIONS,
    };
    record.options = parseRequestOptions(request.headers);
    record.eventId = record.options.eventId ?? id;
    idHeaders["cf-aig-event-id"] = record.eventId;

    record.requestBody = await readBody(request, deps.maxRequestBodyBytes);
    const { provider, url } = await resolveProviderTarget(
      path.accountId,
      path.providerSlug,
      path.restPath,
      new URL(request.url).search,
      deps,
    );
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

    const upstream = await fetchUpstream(deps.fetch, url, {
      method: request.method,
      headers: upstreamHeaders,
      body: record.requestBody,
      timeoutMs: record.options.requestTimeoutMs ?? deps.upstreamTimeoutMs,
    });
    const upstreamHeadersAt = deps.clock.monotonic();
    const collect = record.options.collectLog ?? gateway.collect_logs;
    const headers = clientResponseHeaders(upstream.response.headers);
    for (const [name, value] of Object.entries(idHeaders)) headers.set(name, value);
    const contentType = upstream.response.headers.get("content-type");

    if (!upstream.response.body || NULL_BODY_STATUSES.has(upstream.response.status)) {
      if (collect)
        context.waitUntil(
          sendLog(deps, record, {
            ...emptyResponse(upstream.response.status, contentType),
            upstreamHeadersAt,
          }),
        );
      return new Response(null, { status: upstream.response.status, headers });
    }

    const usage = createUsageObserver(provider.usageFormat, contentType);
    const { body, done } = observeBody(upstream.response.body, {
      captureLimit: collect && record.options.collectLogPayload ? LOG_BODY_CAPTURE_LIMIT : 0,
      monotonic: deps.clock.monotonic,
      onChunk: (chunk) => usage.push(chunk),
      onClientAbort: (reason) => upstream.abort(reason),
    });
    const finished = record;
    context.waitUntil(
      done.then((observation) => {
        if (!collect) return;
        const error = observation.upstreamError
          ? { code: ERROR_CODES.upstreamUnavailable, message: "The provider connection failed mid-response" }
          : null;
        return sendLog(deps, finished, {
          status: upstream.response.status,
          contentType,
          upstreamHeadersAt,
          observation,
          usage: usage.finish(),
          error,
          endedAt: observation.endedAt,
        });
      }),
    );
    return new Response(body, { status: upstream.response.status, headers });
  } catch (caught) {
    const error = toGatewayError(caught);
    if (error.status >= 500)
      deps.logger.error("request failed", { log_id: id, path: pathname, error: error.message });
    if (record && gateway && (record.options.collectLog ?? gateway.collect_logs)) {
      context.waitUntil(
        sendLog(deps, record, {
          ...emptyResponse(error.status, "application/json"),
          error: { code: error.code, message: error.message },
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
    return errorResponse(error, dialect, idHeaders);
  }

  function emptyResponse(status: number, contentType: string | null): ResponseRecord {
    return {
      status,
      contentType,
      upstreamHeadersAt: null,
      observation: null,
      usage: null,
      error: null,
      endedAt: deps.clock.monotonic(),
    };
  }
}

async function sendLog(
  deps: ProxyDependencies,
  request: RequestRecord,
  response: ResponseRecord,
): Promise<void> {
  try {
    await deps.logSink.send(await buildLogEvent(request, response));
  } catch (error) {
    deps.logger.error("log event could not be built", { log_id: request.id, reason: String(error) });
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
