import type { GatewayError } from "../core/gateway-error.ts";
import { errorResponse } from "../http/error-response.ts";

/**
 * Cloudflare's v4 envelope, the shape every management response has. `topLevel` adds fields beside `result`
 * for the few routes whose SDK reads them from the raw body (route-routes.ts).
 */
export function envelope(
  result: unknown,
  resultInfo?: Record<string, number>,
  status = 200,
  topLevel: Record<string, unknown> = {},
): Response {
  const body = {
    success: true,
    errors: [],
    messages: [],
    result,
    ...(resultInfo ? { result_info: resultInfo } : {}),
    ...topLevel,
  };
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/**
 * One page of a list with Cloudflare's V4 pagination info. A page past the end is an empty list, not an
 * error: Cloudflare's SDK iterates pages until it gets an empty one.
 */
export function pagedEnvelope(items: unknown[], page: number, perPage: number, total: number): Response {
  return envelope(items, {
    page,
    per_page: perPage,
    count: items.length,
    total_count: total,
    total_pages: Math.ceil(total / perPage),
  });
}

export function envelopeError(error: GatewayError, headers: Record<string, string> = {}): Response {
  return errorResponse(error, "cloudflare", headers);
}
