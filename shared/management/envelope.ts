import type { GatewayError } from "../core/gateway-error.ts";
import { errorResponse } from "../http/error-response.ts";

/** Cloudflare's v4 envelope, the shape every management response has. */
export function envelope(result: unknown, resultInfo?: Record<string, number>, status = 200): Response {
  const body = {
    success: true,
    errors: [],
    messages: [],
    result,
    ...(resultInfo ? { result_info: resultInfo } : {}),
  };
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

export function envelopeError(error: GatewayError): Response {
  return errorResponse(error, "cloudflare");
}
