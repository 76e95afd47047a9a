import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";
import type { StructuredLogger } from "../core/structured-logger.ts";
import type { Gateway } from "../schemas/gateway.ts";
import { rateLimitHeaders } from "./rate-limit-headers.ts";
import { rateLimitPolicy } from "./rate-limit-policy.ts";
import type { RateLimiter } from "./rate-limiter.ts";

export interface RateLimitDependencies {
  /** Shared counters; null or absent where the deployment has no state table (then no limit applies). */
  rateLimiter?: RateLimiter | null;
  /** Counts a check that failed open (the proxy Lambda turns it into a metric). */
  onRateLimitFailOpen?: () => void;
}

/** Fail-opens seen by this instance, for tests and for a metric. */
export const rateLimitFailOpens = { count: 0 };

/**
 * The gateway's rate limit, before the provider is called. Admitted: the RateLimit headers for the
 * response (none when the gateway has no limit). Over the limit: a 429 with code 2003 and Retry-After.
 * Counters out of reach: the request goes through with a warning (fail-open, the default: an outage of
 * the counters should not become an outage of the AI traffic), or a 503 on a gateway with
 * `rate_limiting_fail_closed: true`.
 */
export async function enforceRateLimit(
  accountId: string,
  gateway: Gateway,
  deps: RateLimitDependencies & { logger: StructuredLogger },
): Promise<Record<string, string>> {
  const policy = rateLimitPolicy(gateway);
  if (!policy || !deps.rateLimiter) return {};
  let decision: Awaited<ReturnType<RateLimiter["check"]>>;
  try {
    decision = await deps.rateLimiter.check(`RATE#${accountId}#${gateway.id}`, policy);
  } catch (error) {
    if (policy.failClosed) {
      deps.logger.error("rate limit check failed closed", { gateway_id: gateway.id, reason: String(error) });
      throw new GatewayError({
        status: 503,
        code: ERROR_CODES.rateLimitUnavailable,
        message: "Rate limit state is unavailable; the gateway is set to fail closed",
        retryable: true,
        expose: true,
        cause: error,
      });
    }
    rateLimitFailOpens.count += 1;
    deps.onRateLimitFailOpen?.();
    deps.logger.warn("rate limit check failed open", { gateway_id: gateway.id, reason: String(error) });
    return {};
  }
  const headers = rateLimitHeaders(policy, decision);
  if (decision.allowed) return headers;
  throw new GatewayError({
    status: 429,
    code: ERROR_CODES.rateLimited,
    message: `Rate limited: ${policy.limit} requests per ${policy.intervalSeconds} s (${policy.technique} window)`,
    retryable: true,
    headers,
  });
}
