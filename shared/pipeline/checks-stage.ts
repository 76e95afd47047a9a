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

/** A change to the response body on its way to the client, the log and the cache (DLP redaction). */
export interface ResponseTransform {
  name: string;
  transform(
    body: ReadableStream<Uint8Array>,
    response: { status: number; contentType: string | null; record: RequestRecord },
  ): ReadableStream<Uint8Array>;
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
  response: { status: number; contentType: string | null; record: RequestRecord },
): ReadableStream<Uint8Array> {
  let transformed = body;
  for (const transform of checks.responses) transformed = transform.transform(transformed, response);
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
): Response {
  if (checks.responses.length === 0 || !response.body) return response;
  const contentType = response.headers.get("content-type");
  const body = transformResponseBody(checks, response.body, { status: response.status, contentType, record });
  return new Response(body, { status: response.status, headers: response.headers });
}
