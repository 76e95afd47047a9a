import type { RequestRecord } from "../core/build-log-event.ts";
import type { ErrorDialect } from "../http/error-response.ts";
import type { Gateway } from "../schemas/gateway.ts";

/**
 * What a request check is shown: the row as admitted (its body, headers and options) and its gateway.
 * On the provider-native surface the provider is known (`record.providerSlug`); on the unified surface it
 * is not yet (the body names `{provider}/{model}`), so the row has none.
 */
export interface CheckedRequest {
  record: RequestRecord;
  gateway: Gateway;
}

/**
 * A check every request passes once admitted, before the cache, the limits and the provider (guardrails
 * and DLP plug in here). It refuses a request by throwing a GatewayError, which the surface answers in its
 * own dialect and logs as the request's failed row, as any other refusal.
 */
export interface RequestCheck {
  name: string;
  check(request: CheckedRequest): Promise<void>;
}

/** What a response transform is told. The optional fields are set by the surfaces that know them. */
export interface ResponseContext {
  status: number;
  contentType: string | null;
  record: RequestRecord;
  gateway?: Gateway;
  /** A cache hit: it was checked when it was stored, so checks that scan may pass it untouched. */
  cached?: boolean;
  /** The caller's error dialect (a whole body a check refuses is answered in it). */
  dialect?: ErrorDialect;
}

/** A whole (non-streamed) response body, read before its head is sent. */
export interface WholeResponse {
  status: number;
  /** Headers a check adds to the response head. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A change to the response body on its way to the client, the log and the cache (DLP redaction). */
export interface ResponseTransform {
  name: string;
  transform(body: ReadableStream<Uint8Array>, response: ResponseContext): ReadableStream<Uint8Array>;
  /**
   * For a whole body (not a stream): read before the head, so the check may change the status, add
   * headers or replace the body (DLP: 400 with code 2030, `cf-aig-dlp`), or refuse it by throwing a
   * GatewayError (a guardrail's 424). Absent: `transform` is used.
   */
  whole?(response: WholeResponse, context: ResponseContext): WholeResponse | Promise<WholeResponse>;
  /** Headers for a streamed response's head: what the check knows before the body (the request's findings). */
  headers?(context: ResponseContext): Record<string, string>;
  /**
   * Whether the transform has anything to do with this response (DLP: the gateway has response policies);
   * absent: always. When none applies, the body is passed on untouched and unread.
   */
  appliesTo?(context: ResponseContext): boolean;
}

/** The checks slot of the pipeline; empty by default (ProxyDependencies.checks absent). */
export interface PipelineChecks {
  requests: readonly RequestCheck[];
  responses: readonly ResponseTransform[];
}

export const NO_CHECKS: PipelineChecks = { requests: [], responses: [] };

/** Runs the request checks in order; the first refusal ends the request. */
export async function runRequestChecks(checks: PipelineChecks, request: CheckedRequest): Promise<void> {
  for (const check of checks.requests) await check.check(request);
}

/**
 * The response body after every transform, in order. Without transforms the body is the one given,
 * untouched, so the proxy's own path (a Node stream passed on as is) costs nothing more.
 */
export function transformResponseBody(
  checks: PipelineChecks,
  body: ReadableStream<Uint8Array>,
  response: ResponseContext,
): ReadableStream<Uint8Array> {
  let transformed = body;
  for (const transform of checks.responses) transformed = transform.transform(transformed, response);
  return transformed;
}

/** Bodies sent as they are produced (SSE, AWS event streams, NDJSON): transforms read them as they pass. */
export function isStreamedBody(contentType: string | null): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return (
    type === "text/event-stream" ||
    type === "application/vnd.amazon.eventstream" ||
    type === "application/x-ndjson"
  );
}

/** A response after the checks: its status, the headers they add, and its body. */
export interface CheckedResponse {
  status: number;
  headers: Record<string, string>;
  body: ReadableStream<Uint8Array>;
}

const streamOf = (bytes: Uint8Array): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      if (bytes.byteLength > 0) controller.enqueue(bytes);
      controller.close();
    },
  });

/**
 * The response through every transform, before its head is sent. A whole body is read first when a
 * transform takes whole bodies (it may change the status and add headers); a stream is transformed as it
 * passes, with the headers the transforms know up front. Without transforms nothing is read or wrapped.
 */
export async function checkResponse(
  allChecks: PipelineChecks,
  body: ReadableStream<Uint8Array>,
  context: ResponseContext,
): Promise<CheckedResponse> {
  const checks = applicableChecks(allChecks, context);
  if (checks.responses.length === 0) return { status: context.status, headers: {}, body };
  if (isStreamedBody(context.contentType) || !checks.responses.some((transform) => transform.whole)) {
    const headers = Object.assign(
      {},
      ...checks.responses.map((transform) => transform.headers?.(context) ?? {}),
    );
    return { status: context.status, headers, body: transformResponseBody(checks, body, context) };
  }
  let whole: WholeResponse = {
    status: context.status,
    headers: {},
    body: new Uint8Array(await new Response(body).arrayBuffer()),
  };
  for (const transform of checks.responses) {
    if (transform.whole) whole = await transform.whole(whole, { ...context, status: whole.status });
    else {
      const transformed = transform.transform(streamOf(whole.body), { ...context, status: whole.status });
      whole = { ...whole, body: new Uint8Array(await new Response(transformed).arrayBuffer()) };
    }
  }
  return { status: whole.status, headers: whole.headers, body: streamOf(whole.body) };
}

/** The checks with only the response transforms that apply to this response. */
export function applicableChecks(checks: PipelineChecks, context: ResponseContext): PipelineChecks {
  const responses = checks.responses.filter((transform) => transform.appliesTo?.(context) ?? true);
  return responses.length === checks.responses.length ? checks : { ...checks, responses };
}
