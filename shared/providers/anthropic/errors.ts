import { GatewayError } from "../../core/gateway-error.ts";
import { isRecord, recordAt, stringAt } from "../../translation/common/json-values.ts";
import type { ProviderErrorTranslation } from "../../translation/types.ts";

/**
 * Anthropic error body `{ type: "error", error: { type, message } }`
 * (https://docs.anthropic.com/en/api/errors) -> status, message and an OpenAI error type. The provider's
 * status is kept; 529 (overloaded) included.
 */
export function anthropicErrorFromProvider(status: number, body: unknown): ProviderErrorTranslation {
  const error = isRecord(body) ? recordAt(body, "error") : undefined;
  const providerType = error === undefined ? undefined : stringAt(error, "type");
  const message =
    (error === undefined ? undefined : stringAt(error, "message")) ?? `Anthropic returned status ${status}`;
  return { status, message, type: openAIErrorType(providerType, status) };
}

function openAIErrorType(providerType: string | undefined, status: number): string {
  switch (providerType) {
    case "invalid_request_error":
    case "request_too_large":
      return "invalid_request_error";
    case "authentication_error":
      return "authentication_error";
    case "permission_error":
      return "permission_error";
    case "not_found_error":
      return "not_found_error";
    case "rate_limit_error":
      return "rate_limit_error";
    case "overloaded_error":
    case "api_error":
      return "api_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

/** An `error` event in the middle of a stream (overloaded, api_error) becomes a GatewayError to report. */
export function anthropicProviderError(status: number, event: unknown): GatewayError {
  const translated = anthropicErrorFromProvider(status, event);
  const errorType = isRecord(event) ? stringAt(recordAt(event, "error") ?? {}, "type") : undefined;
  const streamStatus = errorType === "overloaded_error" ? 529 : errorType === "rate_limit_error" ? 429 : 502;
  return new GatewayError({
    status: streamStatus,
    code: 7009,
    message: translated.message,
    retryable: streamStatus !== 502,
    expose: true,
  });
}
