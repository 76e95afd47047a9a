import { GatewayError } from "../core/gateway-error.ts";
import { type Gateway, RETRY_BACKOFFS } from "../schemas/gateway.ts";

export type Backoff = (typeof RETRY_BACKOFFS)[number];

/** How many times a provider call is tried and how long to wait between tries (reference 5.4). */
export interface RetryPolicy {
  /** Attempts in all, 1-5 (1: no retry). */
  maxAttempts: number;
  /** Milliseconds before the first retry. */
  delayMs: number;
  backoff: Backoff;
}

export const MAX_ATTEMPTS = 5;
export const MAX_HEADER_RETRY_DELAY_MS = 5_000;
/** A provider's retry-after above this is not waited for: the failure goes back to the client instead. */
export const MAX_RETRY_AFTER_MS = 60_000;

function parseIntHeader(headers: Headers, name: string, min: number, max: number): number | null {
  const raw = headers.get(name);
  if (raw === null) return null;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw GatewayError.badRequest(
      `Invalid ${name} header "${raw}": expected a whole number from ${min} to ${max}`,
    );
  }
  return value;
}

/**
 * The request's `cf-aig-max-attempts`, `cf-aig-retry-delay` and `cf-aig-backoff` over the gateway's
 * `retry_*` settings. A bad header is refused before anything goes upstream, naming the header.
 */
export function resolveRetryPolicy(
  headers: Headers,
  gateway: Pick<Gateway, "retry_max_attempts" | "retry_delay" | "retry_backoff">,
): RetryPolicy {
  const maxAttempts = parseIntHeader(headers, "cf-aig-max-attempts", 1, MAX_ATTEMPTS);
  const delayMs = parseIntHeader(headers, "cf-aig-retry-delay", 0, MAX_HEADER_RETRY_DELAY_MS);
  const rawBackoff = headers.get("cf-aig-backoff");
  const backoff = rawBackoff === null ? null : rawBackoff.trim().toLowerCase();
  if (backoff !== null && !(RETRY_BACKOFFS as readonly string[]).includes(backoff)) {
    throw GatewayError.badRequest(
      `Invalid cf-aig-backoff header "${rawBackoff}": expected one of ${RETRY_BACKOFFS.join(", ")}`,
    );
  }
  return {
    maxAttempts: maxAttempts ?? gateway.retry_max_attempts ?? 1,
    delayMs: delayMs ?? gateway.retry_delay ?? 0,
    backoff: (backoff as Backoff | null) ?? gateway.retry_backoff ?? "constant",
  };
}

/** The wait before attempt `next` (2 = the first retry): delay, delay*(n), delay*2^(n) by backoff. */
export function backoffDelay(policy: RetryPolicy, next: number): number {
  const retry = next - 1;
  switch (policy.backoff) {
    case "linear":
      return policy.delayMs * retry;
    case "exponential":
      return policy.delayMs * 2 ** (retry - 1);
    default:
      return policy.delayMs;
  }
}

/** Statuses worth another try: the provider timed out, throttled, or failed on its side. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** `retry-after` in seconds or as an HTTP date, as milliseconds from `now`; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
