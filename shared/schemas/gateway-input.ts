import { randomUUID } from "node:crypto";
import { z } from "zod";
import { GATEWAY_ID_PATTERN, type Gateway, RETRY_BACKOFFS } from "./gateway.ts";
import { OFF_FEATURE_NAMES, type OffFeatures, offFeatureFields } from "./gateway-off-features.ts";
import { mergeOtelExporters, otelExportersInputSchema } from "./otel-exporters.ts";
import { type SpendLimits, type SpendLimitsInput, spendLimitsInputSchema } from "./spend-limits.ts";

/** Reference 9: a cached response lives at most one month. */
export const MAX_CACHE_TTL_SECONDS = 30 * 24 * 3600;
/** Not bounded by Cloudflare's docs; one month keeps a window within what the counters can hold. */
export const MAX_RATE_LIMIT_INTERVAL_SECONDS = 30 * 24 * 3600;
export const MAX_RATE_LIMIT_LIMIT = 1_000_000_000;

export const GATEWAY_ID_MESSAGE =
  "must be 1-64 characters from A-Z a-z 0-9 - _, starting with a letter or digit";

const requiredSettings = {
  cache_invalidate_on_update: z.boolean(),
  cache_ttl: z.number().int().min(0).max(MAX_CACHE_TTL_SECONDS).nullable(),
  collect_logs: z.boolean(),
  rate_limiting_interval: z.number().int().min(0).max(MAX_RATE_LIMIT_INTERVAL_SECONDS).nullable(),
  rate_limiting_limit: z.number().int().min(0).max(MAX_RATE_LIMIT_LIMIT).nullable(),
};

/** An origin as browsers send it in `Origin` (scheme, host, port; lower case, no path), or "*" for any. */
function isOrigin(value: string): boolean {
  if (value === "*") return true;
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
  } catch {
    return false;
  }
}

const corsOriginsSchema = z
  .array(
    z
      .string()
      .max(256)
      .refine(isOrigin, 'must be an origin such as "https://app.example.com" (lower case, no path), or "*"'),
  )
  .max(50);

const optionalSettings = {
  rate_limiting_technique: z.enum(["fixed", "sliding"]).nullable().optional(),
  rate_limiting_fail_closed: z.boolean().optional(),
  authentication: z.boolean().optional(),
  log_management: z.number().int().min(10_000).max(10_000_000).nullable().optional(),
  log_management_strategy: z.enum(["STOP_INSERTING", "DELETE_OLDEST"]).nullable().optional(),
  retry_max_attempts: z.number().int().min(1).max(5).nullable().optional(),
  retry_delay: z.number().int().min(0).max(60_000).nullable().optional(),
  retry_backoff: z.enum(RETRY_BACKOFFS).nullable().optional(),
  stream_idle_timeout_ms: z.number().int().min(1).max(900_000).nullable().optional(),
  spend_limits: spendLimitsInputSchema.nullable().optional(),
  cors_allowed_origins: corsOriginsSchema.nullable().optional(),
  otel: otelExportersInputSchema.nullable().optional(),
  ...offFeatureFields,
};

/**
 * Read-only fields a client may send back unchanged (a get, edit, put round trip): accepted with their
 * types checked, and ignored.
 */
const readOnlyFields = {
  created_at: z.string().max(64).optional(),
  modified_at: z.string().max(64).optional(),
  is_default: z.boolean().optional(),
};

function rateLimitNeedsInterval(
  input: { rate_limiting_limit: number | null; rate_limiting_interval: number | null },
  context: z.RefinementCtx,
): void {
  if ((input.rate_limiting_limit ?? 0) > 0 && (input.rate_limiting_interval ?? 0) === 0) {
    context.addIssue({
      code: "custom",
      path: ["rate_limiting_interval"],
      message: "must be at least 1 when rate_limiting_limit is set",
    });
  }
}

const gatewayIdSchema = z.string().regex(GATEWAY_ID_PATTERN, GATEWAY_ID_MESSAGE);

/** POST /gateways: the five fields the SDK marks required (reference 4.1), the others default. */
export const gatewayCreateInputSchema = z
  .strictObject({ id: gatewayIdSchema, ...requiredSettings, ...optionalSettings, ...readOnlyFields })
  .superRefine(rateLimitNeedsInterval);

/** PUT /gateways/{id}: the same fields; `id` may be repeated but must match the path. */
export const gatewayUpdateInputSchema = z
  .strictObject({
    id: gatewayIdSchema.optional(),
    ...requiredSettings,
    ...optionalSettings,
    ...readOnlyFields,
  })
  .superRefine(rateLimitNeedsInterval);

export type GatewayCreateInput = z.infer<typeof gatewayCreateInputSchema>;
export type GatewayUpdateInput = z.infer<typeof gatewayUpdateInputSchema>;

type OptionalSettings = Pick<
  Gateway,
  | "rate_limiting_technique"
  | "rate_limiting_fail_closed"
  | "authentication"
  | "log_management"
  | "log_management_strategy"
  | "retry_max_attempts"
  | "retry_delay"
  | "retry_backoff"
  | "stream_idle_timeout_ms"
  | "spend_limits"
>;

/** Defaults of a new gateway for the optional fields (as Cloudflare: authentication and retries off). */
function createDefaults(): OptionalSettings {
  return {
    rate_limiting_technique: "fixed",
    authentication: false,
    log_management: null,
    log_management_strategy: null,
    retry_max_attempts: null,
    retry_delay: null,
    retry_backoff: null,
    spend_limits: { enabled: false, rules: [] },
  };
}

function storedSpendLimits(input: SpendLimitsInput | null): SpendLimits {
  if (!input) return { enabled: false, rules: [] };
  return {
    enabled: input.enabled,
    rules: input.rules.map((rule) => ({ ...rule, id: rule.id ?? randomUUID() })),
  };
}

/** The origins sent (null clears them), else those stored; a gateway that never had any stores none. */
function corsOrigins(sent: string[] | null | undefined, existing: Gateway | undefined): Partial<Gateway> {
  const origins = sent === undefined ? existing?.cors_allowed_origins : (sent ?? []);
  return origins === undefined ? {} : { cors_allowed_origins: origins };
}

/** The OTLP exporters sent (null clears them; redacted header values kept), else those stored; never named: absent. */
function otelExporters(sent: GatewayUpdateInput["otel"], existing: Gateway | undefined): Partial<Gateway> {
  const otel = mergeOtelExporters(sent, existing?.otel);
  return otel === undefined ? {} : { otel };
}

/** Cloudflare's off-feature fields: those sent, else those stored; a field never named stays absent. */
function offFeatures(input: OffFeatures, existing: Gateway | undefined): OffFeatures {
  const kept: Record<string, unknown> = {};
  for (const name of OFF_FEATURE_NAMES) {
    const value = input[name] === undefined ? existing?.[name] : input[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept as OffFeatures;
}

/** The sent value, or the current one when the field was left out (null is a value: it clears). */
function keep<T>(sent: T | undefined, current: T): T {
  return sent === undefined ? current : sent;
}

/**
 * The stored gateway after a create (no `existing`) or a PUT. On PUT the five required fields are
 * replaced; an optional field left out keeps its stored value, so an update that does not mention
 * `authentication` never turns authentication off by accident. An explicit null clears a field.
 */
export function applyGatewayInput(
  id: string,
  input: GatewayCreateInput | GatewayUpdateInput,
  existing: Gateway | undefined,
  now: Date,
): Gateway {
  const current: OptionalSettings = existing ?? createDefaults();
  return {
    id,
    cache_invalidate_on_update: input.cache_invalidate_on_update,
    cache_ttl: input.cache_ttl,
    collect_logs: input.collect_logs,
    rate_limiting_interval: input.rate_limiting_interval,
    rate_limiting_limit: input.rate_limiting_limit,
    rate_limiting_technique: keep(input.rate_limiting_technique, current.rate_limiting_technique),
    rate_limiting_fail_closed: keep(input.rate_limiting_fail_closed, current.rate_limiting_fail_closed),
    authentication: keep(input.authentication, current.authentication),
    log_management: keep(input.log_management, current.log_management),
    log_management_strategy: keep(input.log_management_strategy, current.log_management_strategy),
    retry_max_attempts: keep(input.retry_max_attempts, current.retry_max_attempts),
    retry_delay: keep(input.retry_delay, current.retry_delay),
    retry_backoff: keep(input.retry_backoff, current.retry_backoff),
    stream_idle_timeout_ms: keep(input.stream_idle_timeout_ms, current.stream_idle_timeout_ms),
    spend_limits:
      input.spend_limits === undefined ? current.spend_limits : storedSpendLimits(input.spend_limits),
    ...corsOrigins(input.cors_allowed_origins, existing),
    ...otelExporters(input.otel, existing),
    ...offFeatures(input, existing),
    created_at: existing?.created_at ?? now.toISOString(),
    modified_at: now.toISOString(),
  };
}
