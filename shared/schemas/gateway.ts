import { z } from "zod";

/**
 * Gateway ids: 1-64 characters (Cloudflare's documented maximum) from a URL-safe set: letters, digits,
 * `-` and `_`, starting with a letter or digit. Cloudflare documents no character set; this one is
 * safe in a URL path, a DynamoDB key and a CloudWatch dimension.
 */
export const GATEWAY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const DEFAULT_GATEWAY_ID = "default";

/** The gateway object as stored and returned (reference 4.2, the fields this product implements). */
export const gatewaySchema = z.object({
  id: z.string().regex(GATEWAY_ID_PATTERN),
  cache_ttl: z.number().int().min(0).nullable(),
  cache_invalidate_on_update: z.boolean(),
  collect_logs: z.boolean(),
  rate_limiting_interval: z.number().int().min(0).nullable(),
  rate_limiting_limit: z.number().int().min(0).nullable(),
  rate_limiting_technique: z.enum(["fixed", "sliding"]).nullable(),
  authentication: z.boolean(),
  log_management: z.number().int().min(10_000).max(10_000_000).nullable(),
  log_management_strategy: z.enum(["STOP_INSERTING", "DELETE_OLDEST"]).nullable(),
  created_at: z.string(),
  modified_at: z.string(),
});

export type Gateway = z.infer<typeof gatewaySchema>;

/** Reference 4.3: the `default` gateway is created with authentication on, logs on, cache and rate limit off. */
export function defaultGateway(id: string, now: Date): Gateway {
  const timestamp = now.toISOString();
  return {
    id,
    cache_ttl: 0,
    cache_invalidate_on_update: false,
    collect_logs: true,
    rate_limiting_interval: 0,
    rate_limiting_limit: 0,
    rate_limiting_technique: "fixed",
    authentication: true,
    log_management: null,
    log_management_strategy: null,
    created_at: timestamp,
    modified_at: timestamp,
  };
}
