import type { GatewayError } from "../core/gateway-error.ts";

/**
 * Which error shape the caller's client library understands.
 * - openai: `{error:{message,type,code}}` (OpenAI SDK and the OpenAI-compatible family; also read by
 *   AWS and most HTTP clients through the top-level `message`)
 * - anthropic: `{type:"error", error:{type,message}}` (Anthropic SDK)
 * - google: `{error:{code,message,status}}` (Gemini / Vertex clients)
 * - cloudflare: the v4 envelope `{success:false, errors:[{code,message}], messages:[], result:null}`
 *   (management API, Cloudflare SDK)
 * Proxy dialects also carry Cloudflare's AiGatewayError markers (`name`, `internalCode`, `httpCode`,
 * `message`) at the top level, so clients written against Cloudflare's gateway recognise the error too.
 */
export type ErrorDialect = "openai" | "anthropic" | "google" | "cloudflare";

const anthropicTypes: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  405: "invalid_request_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  502: "api_error",
  504: "api_error",
  529: "overloaded_error",
};

const googleStatuses: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  502: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

function openAiType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status < 500) return "invalid_request_error";
  return "api_error";
}

export function errorBody(error: GatewayError, dialect: ErrorDialect): Record<string, unknown> {
  const message = error.publicMessage;
  const markers = { name: "AiGatewayError", internalCode: error.code, httpCode: error.status, message };
  switch (dialect) {
    case "cloudflare":
      return { success: false, errors: [{ code: error.code, message }], messages: [], result: null };
    case "anthropic":
      return {
        type: "error",
        error: { type: anthropicTypes[error.status] ?? "api_error", message },
        ...markers,
      };
    case "google":
      return {
        error: { code: error.status, message, status: googleStatuses[error.status] ?? "UNKNOWN" },
        ...markers,
      };
    default:
      return {
        error: { message, type: openAiType(error.status), param: null, code: error.code },
        ...markers,
      };
  }
}

export function errorResponse(
  error: GatewayError,
  dialect: ErrorDialect,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(errorBody(error, dialect)), {
    status: error.status,
    headers: { "content-type": "application/json", ...headers },
  });
}
