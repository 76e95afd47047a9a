import { GatewayError } from "../../core/gateway-error.ts";
import { isRecord, recordAt, stringAt } from "../../translation/common/json-values.ts";
import type { ProviderErrorTranslation } from "../../translation/types.ts";

/**
 * Gemini errors follow Google's `{ error: { code, message, status } }`
 * (https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes); the HTTP status is kept.
 */
export function geminiErrorFromProvider(status: number, body: unknown): ProviderErrorTranslation {
  const error = isRecord(body) ? recordAt(body, "error") : undefined;
  const message =
    (error === undefined ? undefined : stringAt(error, "message")) ?? `Gemini returned status ${status}`;
  return {
    status,
    message,
    type: openAIErrorType(error === undefined ? undefined : stringAt(error, "status"), status),
  };
}

function openAIErrorType(googleStatus: string | undefined, status: number): string {
  switch (googleStatus) {
    case "INVALID_ARGUMENT":
    case "FAILED_PRECONDITION":
    case "OUT_OF_RANGE":
      return "invalid_request_error";
    case "UNAUTHENTICATED":
      return "authentication_error";
    case "PERMISSION_DENIED":
      return "permission_error";
    case "NOT_FOUND":
      return "not_found_error";
    case "RESOURCE_EXHAUSTED":
      return "rate_limit_error";
    case "INTERNAL":
    case "UNAVAILABLE":
    case "DEADLINE_EXCEEDED":
      return "api_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

/** An error object sent as an SSE event in the middle of a stream. */
export function geminiProviderError(event: unknown): GatewayError {
  const error = isRecord(event) ? recordAt(event, "error") : undefined;
  const code = typeof error?.code === "number" ? error.code : 502;
  const translated = geminiErrorFromProvider(code, event);
  return new GatewayError({
    status: code === 429 || code === 503 ? code : 502,
    code: 7009,
    message: translated.message,
    retryable: code === 429 || code >= 500,
    expose: true,
  });
}
