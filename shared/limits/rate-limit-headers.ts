import type { RateLimitPolicy } from "./rate-limit-policy.ts";
import type { RateLimitDecision } from "./rate-limiter.ts";

/**
 * The IETF rate-limit fields, as in draft-ietf-httpapi-ratelimit-headers-09 (structured fields with a
 * named policy): `RateLimit-Policy: "default";q=<limit>;w=<interval s>` and
 * `RateLimit: "default";r=<remaining>;t=<seconds until the quota grows>`. A refused request also gets
 * `Retry-After` (RFC 9110 section 10.2.3) in seconds.
 */
export function rateLimitHeaders(
  policy: RateLimitPolicy,
  decision: RateLimitDecision,
): Record<string, string> {
  const headers: Record<string, string> = {
    "ratelimit-policy": `"default";q=${policy.limit};w=${policy.intervalSeconds}`,
    ratelimit: `"default";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
  if (!decision.allowed) headers["retry-after"] = String(decision.resetSeconds);
  return headers;
}
