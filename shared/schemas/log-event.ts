import { z } from "zod";
import { guardrailsLogSchema } from "./guardrails.ts";

/**
 * A body kept for the log, as base64 (SQS carries text): gzip-compressed (`gzip_base64`), or as it was when it is
 * small (`base64`; the log-writer compresses it before storing, so the proxy does not spend a gzip on a chat
 * message). `complete: false` means only its head was kept.
 */
export const loggedBodySchema = z.union([
  z.object({ gzip_base64: z.string(), complete: z.boolean() }),
  z.object({ base64: z.string(), complete: z.boolean() }),
]);

export type LoggedBody = z.infer<typeof loggedBodySchema>;

export const metadataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/**
 * The event the proxy sends to SQS once a response is complete, and the log-writer stores.
 * Field names follow Cloudflare's log record (reference section 6.1) where one exists.
 */
export const logEventSchema = z.object({
  id: z.string(),
  account_id: z.string(),
  gateway_id: z.string(),
  created_at: z.string(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  path: z.string(),
  method: z.string(),
  status_code: z.number().int(),
  success: z.boolean(),
  cached: z.boolean(),
  /** Milliseconds from the request's arrival to the last byte sent (or the client leaving). */
  duration: z.number(),
  /** Milliseconds from the request's arrival to the provider's first byte. */
  time_to_first_byte: z.number().nullable(),
  /**
   * Milliseconds spent waiting on the provider: from sending the request to its response head, plus the
   * time the body stream waited for the provider's next chunk. 0 when no provider was called. Optional so
   * that events queued before the field existed still parse.
   */
  provider_wait: z.number().nullable().optional(),
  /** `duration - provider_wait` (never below 0): what the gateway itself added, in milliseconds. */
  gateway_overhead: z.number().nullable().optional(),
  /** Cost in USD from the pricing table (docs/pricing.md) or cf-aig-custom-cost; null when unknown. */
  cost: z.number().nullable().optional(),
  /** The cost came from the request's cf-aig-custom-cost header. */
  custom_cost: z.boolean().optional(),
  tokens_in: z.number().int().nullable(),
  tokens_out: z.number().int().nullable(),
  cache_read_tokens: z.number().int().nullable(),
  cache_write_tokens: z.number().int().nullable(),
  metadata: metadataSchema.nullable(),
  event_id: z.string(),
  request_id: z.string(),
  request_content_type: z.string().nullable(),
  response_content_type: z.string().nullable(),
  request_size: z.number().int(),
  response_size: z.number().int(),
  user_agent: z.string().nullable(),
  /** The client went away before the response was complete. */
  client_aborted: z.boolean(),
  /** Gateway-originated failures (not the provider's own errors, whose body is the response body). */
  error: z.object({ code: z.number().int(), message: z.string() }).nullable(),
  /** 1-based attempt (retries, universal steps); rows with attempt > 1 are not new requests. Optional: older events lack it. */
  attempt: z.number().int().min(1).optional(),
  /** Index of the universal endpoint step that made this attempt. */
  step: z.number().int().min(0).optional(),
  /** A dynamic route's request (docs/dynamic-routes.md): its name, live version and the element that made this row. */
  route_name: z.string().optional(),
  /** A platform model's row: the Workers AI id the caller named; `model` is the Bedrock model that served it. */
  requested_model: z.string().optional(),
  route_version_id: z.string().optional(),
  route_element_id: z.string().optional(),
  /**
   * What DLP found (docs/dlp.md), absent when nothing matched: the strongest action taken, the policies,
   * profiles and entries that matched, and in which direction(s).
   */
  dlp_action: z.enum(["BLOCK", "FLAG", "REDACT"]).optional(),
  dlp_policies: z.array(z.string()).optional(),
  dlp_profiles: z.array(z.string()).optional(),
  dlp_entries: z.array(z.string()).optional(),
  dlp_check: z.array(z.enum(["REQUEST", "RESPONSE"])).optional(),
  /**
   * The trace the request named (`cf-aig-otel-trace-id` / `cf-aig-otel-parent-span-id`, or `traceparent`),
   * which its exported span joins (docs/observability.md); absent: the span's trace is the request_id's.
   */
  otel_trace_id: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  otel_parent_span_id: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .optional(),
  /** The gateway's guardrails scans of this request, per phase (docs/guardrails.md); absent when none ran. */
  guardrails: guardrailsLogSchema.optional(),
  request_body: loggedBodySchema.nullable(),
  response_body: loggedBodySchema.nullable(),
});

export type LogEvent = z.infer<typeof logEventSchema>;
