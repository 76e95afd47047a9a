import type { RequestRecord } from "../core/build-log-event.ts";
import type { ErrorDialect } from "../http/error-response.ts";
import { NodeBodyResponse, takeNodeBody } from "../http/node-body-response.ts";
import { transformNodeBody } from "../http/transformed-node-body.ts";
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

/**
 * A check on a body as it passes: the object a web `TransformStream` takes, using only the controller's
 * `enqueue`, `terminate` (end the body here) and `error` (fail it: the client gets the error as an in-band
 * event). Written so, it runs over the provider's Node body without a web stream
 * (shared/http/transformed-node-body.ts) and over a web body in a TransformStream.
 */
export type StreamCheck = Transformer<Uint8Array, Uint8Array>;

/** A change to the response body on its way to the client, the log and the cache (DLP redaction). */
export interface ResponseTransform {
  name: string;
  /** The check to run over this response's body as it passes, or null when it leaves this one alone. */
  stream(response: ResponseContext): StreamCheck | null;
  /**
   * For a whole body (not a stream): read before the head, so the check may change the status, add
   * headers or replace the body (DLP: 400 with code 2030, `cf-aig-dlp`), or refuse it by throwing a
   * GatewayError (a guardrail's 424). Absent: `stream` is used.
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
 * A response's body through stream checks, in order, as it passes. A provider's Node body stays a Node
 * stream (each check runs inside it: transformed-node-body.ts), any other goes through TransformStreams.
 * Without checks the response is the one given, untouched and unread.
 */
export function streamChecked(
  response: Response,
  checks: readonly StreamCheck[],
  status = response.status,
): Response {
  if (checks.length === 0) return response;
  const source = takeNodeBody(response);
  if (source) {
    let body = source;
    for (const check of checks) body = transformNodeBody(body, check);
    return new NodeBodyResponse(body, { status, headers: response.headers });
  }
  let body: ReadableStream<Uint8Array> | null = response.body;
  for (const check of checks) body = body?.pipeThrough(new TransformStream(check)) ?? null;
  return new Response(body, { status, headers: response.headers });
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

/** A response after the checks: its status, the headers they add, and the response to send on. */
export interface CheckedResponse {
  status: number;
  headers: Record<string, string>;
  /** The given response when no check applies; else one whose body the checks have read or run over. */
  response: Response;
}

const streamOf = (bytes: Uint8Array): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      if (bytes.byteLength > 0) controller.enqueue(bytes);
      controller.close();
    },
  });

/** The stream checks the transforms run on this response (those that leave it alone give none). */
function streamChecksOf(checks: PipelineChecks, context: ResponseContext): StreamCheck[] {
  const found: StreamCheck[] = [];
  for (const transform of checks.responses) {
    const check = transform.stream(context);
    if (check) found.push(check);
  }
  return found;
}

/**
 * The response through every transform, before its head is sent. A whole body is read first when a
 * transform takes whole bodies (it may change the status and add headers); a stream is checked as it
 * passes, with the headers the transforms know up front. Without transforms nothing is read or wrapped.
 */
export async function checkResponse(
  allChecks: PipelineChecks,
  response: Response,
  context: ResponseContext,
): Promise<CheckedResponse> {
  const checks = applicableChecks(allChecks, context);
  if (checks.responses.length === 0) return { status: context.status, headers: {}, response };
  if (isStreamedBody(context.contentType) || !checks.responses.some((transform) => transform.whole)) {
    const headers = Object.assign(
      {},
      ...checks.responses.map((transform) => transform.headers?.(context) ?? {}),
    );
    const checked = streamChecked(response, streamChecksOf(checks, context), context.status);
    return { status: context.status, headers, response: checked };
  }
  let whole: WholeResponse = {
    status: context.status,
    headers: {},
    body: new Uint8Array(await response.arrayBuffer()),
  };
  for (const transform of checks.responses) {
    const wholeContext = { ...context, status: whole.status };
    if (transform.whole) {
      whole = await transform.whole(whole, wholeContext);
      continue;
    }
    const check = transform.stream(wholeContext);
    if (!check) continue;
    const transformed = streamOf(whole.body).pipeThrough(new TransformStream(check));
    whole = { ...whole, body: new Uint8Array(await new Response(transformed).arrayBuffer()) };
  }
  return {
    status: whole.status,
    headers: whole.headers,
    response: new Response(streamOf(whole.body), { status: whole.status, headers: response.headers }),
  };
}

/** The checks with only the response transforms that apply to this response. */
export function applicableChecks(checks: PipelineChecks, context: ResponseContext): PipelineChecks {
  const responses = checks.responses.filter((transform) => transform.appliesTo?.(context) ?? true);
  return responses.length === checks.responses.length ? checks : { ...checks, responses };
}
