import type { RequestRecord } from "../core/build-log-event.ts";
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

/** What a response transform is told about the response: its status, type, the request's row and gateway. */
export interface CheckedResponse {
  status: number;
  contentType: string | null;
  record: RequestRecord;
  /** The request's gateway (its guardrail and DLP settings); absent where a caller has none to give. */
  gateway?: Gateway;
}

/** A change to the response body on its way to the client, the log and the cache (DLP redaction). */
export interface ResponseTransform {
  name: string;
  transform(body: ReadableStream<Uint8Array>, response: CheckedResponse): ReadableStream<Uint8Array>;
  /**
   * Optional: false when this transform would pass this response on untouched (its gateway has no rule
   * for it), so the body is not wrapped for nothing. Absent: it always applies.
   */
  appliesTo?(response: CheckedResponse): boolean;
  /**
   * Optional: true when this transform must see the whole body before the status is sent (a response that
   * is not a stream, which the client gets in one piece anyway), so that it can refuse it with its own status.
   */
  wantsWholeBody?(response: CheckedResponse): boolean;
  /** Checks a whole body it wanted; throws a GatewayError to answer that instead of the provider's response. */
  checkWholeBody?(body: Uint8Array, response: CheckedResponse): Promise<void>;
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
 * Runs the whole-body checks of the transforms that want this response (a non-stream answer) before its
 * status is sent: a refusal throws, as a request check's does. The body is read only when one wants it;
 * otherwise it is returned untouched.
 */
export async function checkWholeBody(
  checks: PipelineChecks,
  body: ReadableStream<Uint8Array>,
  response: CheckedResponse,
): Promise<ReadableStream<Uint8Array>> {
  const wanting = checks.responses.filter((transform) => transform.wantsWholeBody?.(response));
  if (wanting.length === 0) return body;
  const bytes = new Uint8Array(await new Response(body).arrayBuffer());
  for (const transform of wanting) await transform.checkWholeBody?.(bytes, response);
  return new Response(bytes).body as ReadableStream<Uint8Array>;
}

/** The native surface's response after the whole-body checks; the same Response when none wants it. */
export async function checkWholeResponse(
  checks: PipelineChecks,
  response: Response,
  record: RequestRecord,
  gateway: Gateway,
): Promise<Response> {
  if (checks.responses.length === 0 || !response.body) return response;
  const facts = {
    status: response.status,
    contentType: response.headers.get("content-type"),
    record,
    gateway,
  };
  if (!checks.responses.some((transform) => transform.wantsWholeBody?.(facts))) return response;
  const body = await checkWholeBody(checks, response.body, facts);
  return new Response(body, { status: response.status, headers: response.headers });
}

/** The transforms that apply to this response; none means its body goes on untouched. */
export function activeTransforms(checks: PipelineChecks, response: CheckedResponse): ResponseTransform[] {
  return checks.responses.filter((transform) => transform.appliesTo?.(response) ?? true);
}

/**
 * The response body after every transform that applies, in order. Without one the body is the one given,
 * untouched, so the proxy's own path (a Node stream passed on as is) costs nothing more.
 */
export function transformResponseBody(
  checks: PipelineChecks,
  body: ReadableStream<Uint8Array>,
  response: CheckedResponse,
): ReadableStream<Uint8Array> {
  let transformed = body;
  for (const transform of activeTransforms(checks, response))
    transformed = transform.transform(transformed, response);
  return transformed;
}

/**
 * The native surface's response with its body transformed; the same Response when there is no transform,
 * so a Node body is not turned into a web stream for nothing.
 */
export function transformResponse(
  checks: PipelineChecks,
  response: Response,
  record: RequestRecord,
  gateway?: Gateway,
): Response {
  if (checks.responses.length === 0 || !response.body) return response;
  const contentType = response.headers.get("content-type");
  const facts = { status: response.status, contentType, record, ...(gateway ? { gateway } : {}) };
  if (activeTransforms(checks, facts).length === 0) return response;
  const body = transformResponseBody(checks, response.body, facts);
  return new Response(body, { status: response.status, headers: response.headers });
}
