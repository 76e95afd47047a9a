import type { GuardrailPhaseLog } from "../../schemas/guardrails.ts";
import type { LogEvent } from "../../schemas/log-event.ts";
import type { ExportColumnName } from "./export-columns.ts";

/** An exported log: one value per column of export-columns.ts, null where the log has none. */
export type ExportRecord = Record<ExportColumnName, unknown>;

const orNull = <T>(value: T | undefined): T | null => value ?? null;

/**
 * The exported form of a log event: what the logs API returns for it (shared/store/log-items.ts, toRecord)
 * plus its account, without the bodies (they stay in the log store and S3; the export is for analytics,
 * and Firehose takes at most 1,000 KiB a record). Feedback and score are set later through the logs API,
 * so an export written when the log is stored cannot carry them (EXPORT_EXCLUDED_FIELDS); metadata is as
 * the log was stored, before any PATCH. A field the event lacks is null, so every record has every column.
 */
export function exportRecordOf(event: LogEvent): ExportRecord {
  return {
    id: event.id,
    account_id: event.account_id,
    gateway_id: event.gateway_id,
    created_at: event.created_at,
    provider: event.provider,
    model: event.model,
    path: event.path,
    method: event.method,
    status_code: event.status_code,
    success: event.success,
    cached: event.cached,
    duration: event.duration,
    time_to_first_byte: event.time_to_first_byte,
    provider_wait: orNull(event.provider_wait),
    gateway_overhead: orNull(event.gateway_overhead),
    cost: orNull(event.cost),
    custom_cost: orNull(event.custom_cost),
    tokens_in: event.tokens_in,
    tokens_out: event.tokens_out,
    cache_read_tokens: event.cache_read_tokens,
    cache_write_tokens: event.cache_write_tokens,
    metadata: event.metadata
      ? Object.fromEntries(Object.entries(event.metadata).map(([key, value]) => [key, String(value)]))
      : null,
    event_id: event.event_id,
    request_id: event.request_id,
    request_content_type: event.request_content_type,
    response_content_type: event.response_content_type,
    request_size: event.request_size,
    response_size: event.response_size,
    user_agent: event.user_agent,
    client_aborted: event.client_aborted,
    error: event.error,
    attempt: orNull(event.attempt),
    step: orNull(event.step),
    route_name: orNull(event.route_name),
    route_version_id: orNull(event.route_version_id),
    route_element_id: orNull(event.route_element_id),
    request_head_complete: event.request_body ? event.request_body.complete : null,
    response_head_complete: event.response_body ? event.response_body.complete : null,
    requested_model: orNull(event.requested_model),
    dlp_action: orNull(event.dlp_action),
    dlp_policies: orNull(event.dlp_policies),
    dlp_profiles: orNull(event.dlp_profiles),
    dlp_entries: orNull(event.dlp_entries),
    dlp_check: orNull(event.dlp_check),
    otel_trace_id: orNull(event.otel_trace_id),
    otel_parent_span_id: orNull(event.otel_parent_span_id),
    guardrails: event.guardrails
      ? {
          prompt: guardrailPhaseOf(event.guardrails.prompt),
          response: guardrailPhaseOf(event.guardrails.response),
        }
      : null,
  };
}

/**
 * A phase of the guardrails struct with exactly the struct's fields (a phase that did not run is null), so
 * Firehose's conversion finds no key the Glue type lacks.
 */
function guardrailPhaseOf(phase: GuardrailPhaseLog | undefined): GuardrailPhaseLog | null {
  if (!phase) return null;
  const { action, categories, scanner, scanner_unavailable, evaluations } = phase;
  return { action, categories, scanner, scanner_unavailable, evaluations };
}

/** The `date` partition of a record: the UTC day of its `created_at` (YYYY-MM-DD), as Firehose's query takes it. */
export function exportDateOf(record: ExportRecord): string {
  return String(record.created_at).slice(0, 10);
}
