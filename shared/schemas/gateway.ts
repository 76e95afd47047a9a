import { z } from "zod";
import { offFeatureFields } from "./gateway-off-features.ts";
import { storedOtelExportersSchema } from "./otel-exporters.ts";
import { spendLimitsSchema } from "./spend-limits.ts";

/**
 * Gateway ids: 1-64 characters (Cloudflare's documented maximum) from a URL-safe set: letters, digits,
 * `-` and `_`, starting with a letter or digit. Cloudflare documents no character set; this one is
 * safe in a URL path, a DynamoDB key and a CloudWatch dimension.
 */
export const GATEWAY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const DEFAULT_GATEWAY_ID = "default";

export const RETRY_BACKOFFS = ["constant", "linear", "exponential"] as const;

/**
 * The gateway object as stored (reference 4.2, the fields this product implements). Ranges are checked
 * by the management API's input schemas (gateway-input.ts); this one reads what was stored. Fields added
 * after the first release carry defaults, so gateways stored before them still parse.
 * `is_default` is not stored: it is derived from the id when a gateway is returned.
 */
export const gatewaySchema = z.object({
  id: z.string().regex(GATEWAY_ID_PATTERN),
  cache_ttl: z.number().int().min(0).nullable(),
  cache_invalidate_on_update: z.boolean(),
  collect_logs: z.boolean(),
  rate_limiting_interval: z.number().int().min(0).nullable(),
  rate_limiting_limit: z.number().int().min(0).nullable(),
  rate_limiting_technique: z.enum(["fixed", "sliding"]).nullable(),
  /** When the rate-limit counters cannot be reached: true answers 503, absent or false lets traffic through. */
  rate_limiting_fail_closed: z.boolean().optional(),
  /**
   * Not part of the API (renderGateway leaves it out): bumped by a PUT on a gateway with
   * `cache_invalidate_on_update`, and part of every cache key, so older entries become unreachable.
   */
  cache_generation: z.number().int().min(0).optional(),
  authentication: z.boolean(),
  log_management: z.number().int().min(10_000).max(10_000_000).nullable(),
  log_management_strategy: z.enum(["STOP_INSERTING", "DELETE_OLDEST"]).nullable(),
  /** Attempts in all (1-5); null: one attempt, no retry. */
  retry_max_attempts: z.number().int().min(1).max(5).nullable().default(null),
  /** Milliseconds before the first retry (0-60000). */
  retry_delay: z.number().int().min(0).max(60_000).nullable().default(null),
  retry_backoff: z.enum(RETRY_BACKOFFS).nullable().default(null),
  /** Not in Cloudflare's API: ms a started stream may send nothing (docs/resilience.md); absent or null: 120 s. */
  stream_idle_timeout_ms: z.number().int().min(1).max(900_000).nullable().optional(),
  spend_limits: spendLimitsSchema.default(() => ({ enabled: false, rules: [] })),
  /**
   * Our extension (docs/management-api.md): browser origins the proxy answers CORS for. Absent or empty: none,
   * so no browser page can read an answer (Cloudflare documents no CORS behaviour of its own).
   */
  cors_allowed_origins: z.array(z.string()).optional(),
  /** OTLP/HTTP exporters of a span per request (otel-exporters.ts, docs/observability.md); absent: none. */
  otel: storedOtelExportersSchema.nullable().optional(),
  /** Cloudflare's fields for features not built here, at the off values a client sent (gateway-off-features.ts). */
  ...offFeatureFields,
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
    retry_max_attempts: null,
    retry_delay: null,
    retry_backoff: null,
    spend_limits: { enabled: false, rules: [] },
    created_at: timestamp,
    modified_at: timestamp,
  };
}
