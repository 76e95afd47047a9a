import { GatewayError } from "../../core/gateway-error.ts";
import { isRecord, stringAt } from "../../translation/common/json-values.ts";
import type { ProviderErrorTranslation } from "../../translation/types.ts";

/**
 * Bedrock runtime errors: a JSON body `{ "message": "..." }` (some services spell it `Message`), the
 * exception name in the `x-amzn-ErrorType` header, and the status
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors).
 */
export function bedrockErrorFromProvider(status: number, body: unknown): ProviderErrorTranslation {
  const message =
    (isRecord(body) ? (stringAt(body, "message") ?? stringAt(body, "Message")) : undefined) ??
    `Bedrock returned status ${status}`;
  return { status, message, type: errorTypeForStatus(status) };
}

function errorTypeForStatus(status: number): string {
  switch (status) {
    case 400: // ValidationException
    case 404: // ResourceNotFoundException
    case 424: // ModelErrorException
      return "invalid_request_error";
    case 401:
    case 403: // AccessDeniedException, UnrecognizedClientException
      return "permission_error";
    case 429: // ThrottlingException, ServiceQuotaExceededException
      return "rate_limit_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

/** ConverseStream exception events (modelStreamErrorException, throttlingException, ...) mid-stream. */
const STREAM_EXCEPTION_STATUS: Record<string, number> = {
  internalServerException: 500,
  modelStreamErrorException: 424,
  validationException: 400,
  throttlingException: 429,
  serviceUnavailableException: 503,
};

export function bedrockStreamException(type: string, payload: unknown): GatewayError | undefined {
  const status = STREAM_EXCEPTION_STATUS[type];
  if (status === undefined) return undefined;
  const { message } = bedrockErrorFromProvider(status, payload);
  return new GatewayError({
    // Throttling and unavailability keep their status, as Anthropic's mid-stream errors do (429, 529):
    // a caller can tell "slow down" from a failed upstream.
    status: status === 400 || status === 429 || status === 503 ? status : 502,
    code: 7009,
    message: `${type}: ${message}`,
    retryable: status === 429 || status === 503 || status === 500,
    expose: true,
  });
}
