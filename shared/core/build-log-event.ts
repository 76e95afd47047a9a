import type { BodyObservation } from "../http/observed-body.ts";
import { concatChunks } from "../http/observed-body.ts";
import { computeCost } from "../pricing/compute-cost.ts";
import { customCostOf } from "../pricing/custom-cost.ts";
import type { TokenUsage } from "../providers/usage/types.ts";
import type { GuardrailsLog } from "../schemas/guardrails.ts";
import type { LogEvent } from "../schemas/log-event.ts";
import { packLogBodies } from "./log-bodies.ts";
import { requestModel } from "./request-model.ts";
import type { RequestOptions } from "./request-options.ts";

/** What one request through a gateway leaves behind, gathered as it happens. */
export interface RequestRecord {
  id: string;
  eventId: string;
  accountId: string;
  gatewayId: string;
  createdAt: Date;
  startedAt: number;
  method: string;
  path: string;
  providerSlug: string | null;
  restPath: string;
  requestHeaders: Headers;
  requestBody: Uint8Array<ArrayBuffer> | null;
  options: RequestOptions;
  /** 1-based attempt number across retries (and universal steps); rows after the first share request_id. */
  attempt?: number;
  /** Index of the universal endpoint step, or null outside the universal endpoint. */
  step?: number | null;
  /** The request's id when this row is a retried attempt with its own id. */
  requestId?: string;
  /** Fields the request and response checks add to the row (DLP's `dlp_*`), set as they find something. */
  checkFields?: Partial<LogEvent>;
  /** A check refused the response (DLP's BLOCK): it is not stored in the cache. */
  responseRefused?: boolean;
  /** Set by the guardrails checks as they scan (shared/checks/guardrails/); logged as `guardrails`. */
  guardrails?: GuardrailsLog;
}

export interface ResponseRecord {
  status: number;
  contentType: string | null;
  /** Monotonic time the upstream request was sent, or null when no provider was called. */
  upstreamStartedAt: number | null;
  upstreamHeadersAt: number | null;
  observation: BodyObservation | null;
  usage: TokenUsage | null;
  error: { code: number; message: string } | null;
  endedAt: number;
}

const round = (milliseconds: number) => Math.round(milliseconds * 100) / 100;

export async function buildLogEvent(request: RequestRecord, response: ResponseRecord): Promise<LogEvent> {
  const observation = response.observation;
  const keepBodies = request.options.collectLogPayload;
  const responseBytes = observation ? concatChunks(observation.captured) : null;
  const bodies = keepBodies
    ? await packLogBodies(
        request.requestBody,
        responseBytes,
        Boolean(observation?.capturedAll && !observation.clientAborted && !observation.upstreamError),
      )
    : { request: null, response: null };
  const usage = response.usage;
  const success =
    response.status >= 200 &&
    response.status < 400 &&
    response.error === null &&
    !request.checkFields?.error &&
    !observation?.clientAborted &&
    !observation?.upstreamError;

  const model = request.providerSlug
    ? requestModel(request.providerSlug, request.restPath, request.requestBody, usage?.model ?? null)
    : null;
  // cf-aig-custom-cost was validated before the upstream call; here it only prices the usage.
  const { cost, custom_cost } = computeCost(
    request.providerSlug,
    model,
    usage,
    customCostOf(request.requestHeaders),
  );
  const duration = round(response.endedAt - request.startedAt);
  const providerWait = round(providerWaitOf(response));

  return {
    id: request.id,
    account_id: request.accountId,
    gateway_id: request.gatewayId,
    created_at: request.createdAt.toISOString(),
    provider: request.providerSlug,
    model,
    path: request.path,
    method: request.method,
    status_code: response.status,
    success,
    cached: false,
    duration,
    time_to_first_byte:
      response.upstreamHeadersAt === null ? null : round(response.upstreamHeadersAt - request.startedAt),
    provider_wait: providerWait,
    gateway_overhead: round(Math.max(0, duration - providerWait)),
    cost,
    custom_cost,
    tokens_in: usage?.tokensIn ?? null,
    tokens_out: usage?.tokensOut ?? null,
    cache_read_tokens: usage?.cacheReadTokens ?? null,
    cache_write_tokens: usage?.cacheWriteTokens ?? null,
    metadata: request.options.metadata,
    event_id: request.eventId,
    request_id: request.requestId ?? request.id,
    attempt: request.attempt ?? 1,
    ...(request.step == null ? {} : { step: request.step }),
    request_content_type: request.requestHeaders.get("content-type"),
    response_content_type: response.contentType,
    request_size: request.requestBody?.byteLength ?? 0,
    response_size: observation?.bytes ?? 0,
    user_agent: request.requestHeaders.get("user-agent"),
    client_aborted: observation?.clientAborted ?? false,
    error: response.error,
    ...request.checkFields,
    ...(request.guardrails ? { guardrails: request.guardrails } : {}),
    ...traceFieldsOf(request.options),
    request_body: bodies.request,
    response_body: bodies.response,
  };
}

/**
 * Time spent waiting on the provider: the wait for its response head (or for the failure, when the call
 * failed before one came), plus the body's waits for each next chunk.
 */
function providerWaitOf(response: ResponseRecord): number {
  if (response.upstreamStartedAt === null) return 0;
  const headWait = (response.upstreamHeadersAt ?? response.endedAt) - response.upstreamStartedAt;
  return Math.max(0, headWait) + (response.observation?.providerWait ?? 0);
}

/** The request's trace context as the log event's fields; none when the request named no trace. */
function traceFieldsOf(options: RequestOptions): Pick<LogEvent, "otel_trace_id" | "otel_parent_span_id"> {
  const context = options.traceContext;
  if (!context) return {};
  return {
    otel_trace_id: context.traceId,
    ...(context.parentSpanId ? { otel_parent_span_id: context.parentSpanId } : {}),
  };
}
