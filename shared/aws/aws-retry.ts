/**
 * When to retry an AWS call and how long to wait, as the SDK's "standard" retry mode does
 * (@smithy/util-retry, @smithy/service-error-classification): throttling errors, transient errors (timeouts,
 * connections reset or refused, 500/502/503/504) and any other 5xx are retried; 4xx client errors are not,
 * nor are errors such as an unknown host, which another attempt would not fix. Left out: the SDK's retry
 * token bucket (a client-wide quota of retries), which matters for a client that makes many calls at once,
 * and clock-skew correction.
 */

/** The SDK's default number of attempts (the first one included). */
export const DEFAULT_MAX_ATTEMPTS = 3;
const BASE_DELAY_MS = 100;
const THROTTLING_BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 20_000;

/** @smithy/service-error-classification's THROTTLING_ERROR_CODES, with SQS's own (RequestThrottled, KMS.ThrottlingException). */
const THROTTLING_CODES = new Set([
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "KmsThrottled",
  "KMS.ThrottlingException",
]);
const TRANSIENT_CODES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const NETWORK_ERROR_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT"]);

/** What an error says about itself: an AWS error code (and SQS's query-compatible one), an HTTP status, a Node.js code. */
export interface ClassifiableError {
  name?: string;
  code?: string;
  queryErrorCode?: string;
  statusCode?: number;
}

export type RetryKind = "throttling" | "transient";

/** Whether another attempt may succeed, and of which kind (throttling waits longer); undefined: do not retry. */
export function retryKind(error: unknown): RetryKind | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { name, code, queryErrorCode, statusCode } = error as ClassifiableError;
  if (
    statusCode === 429 ||
    (code !== undefined && THROTTLING_CODES.has(code)) ||
    (queryErrorCode !== undefined && THROTTLING_CODES.has(queryErrorCode))
  )
    return "throttling";
  if (
    (name !== undefined && TRANSIENT_CODES.has(name)) ||
    (code !== undefined && (TRANSIENT_CODES.has(code) || NETWORK_ERROR_CODES.has(code))) ||
    (statusCode !== undefined && statusCode >= 500 && statusCode <= 599)
  )
    return "transient";
  return undefined;
}

/**
 * The wait before the next attempt, after `failedAttempts` failures: "full jitter" exponential backoff,
 * a random time up to 100 ms x 2^failedAttempts (500 ms for throttling), capped at 20 s.
 */
export function backoffMs(
  kind: RetryKind,
  failedAttempts: number,
  random: () => number = Math.random,
): number {
  const base = kind === "throttling" ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
  return Math.floor(random() * Math.min(MAX_DELAY_MS, base * 2 ** failedAttempts));
}
