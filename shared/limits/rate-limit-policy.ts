import type { Gateway } from "../schemas/gateway.ts";

export type RateLimitTechnique = "fixed" | "sliding";

export interface RateLimitPolicy {
  limit: number;
  intervalSeconds: number;
  technique: RateLimitTechnique;
  /** true: answer 503 when the counters cannot be reached; false: let the request through. */
  failClosed: boolean;
}

/**
 * The gateway's rate limit, or null when it has none. Reference 4.3: a new gateway has rate limiting
 * off, stored as limit 0 and interval 0; either being 0 (or null) means off. The technique defaults
 * to fixed, as a gateway created without one is stored.
 */
export function rateLimitPolicy(gateway: Gateway): RateLimitPolicy | null {
  const limit = gateway.rate_limiting_limit ?? 0;
  const intervalSeconds = gateway.rate_limiting_interval ?? 0;
  if (limit <= 0 || intervalSeconds <= 0) return null;
  return {
    limit,
    intervalSeconds,
    technique: gateway.rate_limiting_technique ?? "fixed",
    failClosed: gateway.rate_limiting_fail_closed ?? false,
  };
}
