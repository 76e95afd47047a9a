import { GatewayError } from "../../core/gateway-error.ts";
import { isRecord, stringAt } from "../../translation/common/json-values.ts";
import type { ProviderErrorTranslation } from "../../translation/types.ts";

/**
 * Cohere error bodies are `{ "message": "..." }` (optionally with an `id`); the meaning is in the HTTP
 * status (https://docs.cohere.com/reference/errors: 400, 401, 402, 404, 429, 499, 500). The status is kept.
 */
export function cohereErrorFromProvider(status: number, body: unknown): ProviderErrorTranslation {
  const message =
    (isRecord(body) ? stringAt(body, "message") : undefined) ?? `Cohere returned status ${status}`;
  return { status, message, type: openAIErrorType(status) };
}

function openAIErrorType(status: number): string {
  switch (status) {
    case 401:
      return "authentication_error";
    case 402:
      return "insufficient_quota"; // Cohere: the account's spending limit or trial limit is reached
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 429:
      return "rate_limit_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

/**
 * A generation that ended with finish_reason ERROR or TIMEOUT (a 200 body, or a stream's message-end):
 * the output is cut short for a reason that is not the caller's, so it is reported as a provider error
 * (502, 504 for a timeout) rather than passed off as a normal stop.
 */
export function cohereFailure(reason: "ERROR" | "TIMEOUT", detail: string | undefined): GatewayError {
  const timeout = reason === "TIMEOUT";
  return new GatewayError({
    status: timeout ? 504 : 502,
    code: 7009,
    message: `Cohere ended the generation with ${reason}${detail ? `: ${detail}` : ""}`,
    retryable: true,
    expose: true,
  });
}
