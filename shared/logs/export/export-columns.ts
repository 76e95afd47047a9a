/** One phase of the log's `guardrails` (shared/schemas/guardrails.ts, guardrailPhaseLogSchema). */
const GUARDRAIL_PHASE_TYPE =
  "struct<action:string,categories:array<string>,scanner:string,scanner_unavailable:boolean,evaluations:int>";

/**
 * The columns of an exported log (docs/analytics.md): the record the logs API returns for a log (every
 * field of the log event but its bodies, plus whether each body was kept whole) and the account, in the
 * Glue table's types. One list for both ends: the log-writer builds each record from it (export-record.ts)
 * and the CDK stack declares the Glue table from it, which Firehose's record format conversion reads to
 * write Parquet. A field added to the log event is added here too, or to EXPORT_EXCLUDED_FIELDS with its
 * reason (export-columns.test.ts fails otherwise).
 *
 * Types are Hive's, as Glue and Athena spell them. `created_at` stays the ISO 8601 string the logs API
 * shows (Athena: `from_iso8601_timestamp(created_at)`); the `date` partition holds its day. Metadata values
 * (string, number or boolean in the event) are strings here, since a Glue map has one value type. Lists
 * are `array<string>`, objects structs, so Athena reads them without JSON functions.
 *
 * Columns are only ever appended: Parquet files already written keep the old columns, and Athena reads the
 * Parquet columns by name, so older files answer null for a column added later.
 */
export const EXPORT_COLUMNS = [
  { name: "id", type: "string" },
  { name: "account_id", type: "string" },
  { name: "gateway_id", type: "string" },
  { name: "created_at", type: "string" },
  { name: "provider", type: "string" },
  { name: "model", type: "string" },
  { name: "path", type: "string" },
  { name: "method", type: "string" },
  { name: "status_code", type: "int" },
  { name: "success", type: "boolean" },
  { name: "cached", type: "boolean" },
  { name: "duration", type: "double" },
  { name: "time_to_first_byte", type: "double" },
  { name: "provider_wait", type: "double" },
  { name: "gateway_overhead", type: "double" },
  { name: "cost", type: "double" },
  { name: "custom_cost", type: "boolean" },
  { name: "tokens_in", type: "bigint" },
  { name: "tokens_out", type: "bigint" },
  { name: "cache_read_tokens", type: "bigint" },
  { name: "cache_write_tokens", type: "bigint" },
  { name: "metadata", type: "map<string,string>" },
  { name: "event_id", type: "string" },
  { name: "request_id", type: "string" },
  { name: "request_content_type", type: "string" },
  { name: "response_content_type", type: "string" },
  { name: "request_size", type: "bigint" },
  { name: "response_size", type: "bigint" },
  { name: "user_agent", type: "string" },
  { name: "client_aborted", type: "boolean" },
  { name: "error", type: "struct<code:int,message:string>" },
  { name: "attempt", type: "int" },
  { name: "step", type: "int" },
  { name: "route_name", type: "string" },
  { name: "route_version_id", type: "string" },
  { name: "route_element_id", type: "string" },
  { name: "request_head_complete", type: "boolean" },
  { name: "response_head_complete", type: "boolean" },
  { name: "requested_model", type: "string" },
  { name: "dlp_action", type: "string" },
  { name: "dlp_policies", type: "array<string>" },
  { name: "dlp_profiles", type: "array<string>" },
  { name: "dlp_entries", type: "array<string>" },
  { name: "dlp_check", type: "array<string>" },
  { name: "otel_trace_id", type: "string" },
  { name: "otel_parent_span_id", type: "string" },
  { name: "guardrails", type: `struct<prompt:${GUARDRAIL_PHASE_TYPE},response:${GUARDRAIL_PHASE_TYPE}>` },
] as const;

export type ExportColumnName = (typeof EXPORT_COLUMNS)[number]["name"];

/**
 * The fields of the log event and of the logs API's record that are not columns, each with why. Every other
 * field is a column: test/unit/shared/logs/export/export-columns.test.ts fails for a field that is neither,
 * so a field added to the log event (or the record) is exported or left out here on purpose.
 */
export const EXPORT_EXCLUDED_FIELDS = {
  request_body:
    "a body stays in the log store (DynamoDB or S3): Firehose takes at most 1,000 KiB a record, and the export is for analytics; request_head_complete says whether it was kept whole",
  response_body:
    "a body stays in the log store (DynamoDB or S3), like request_body; response_head_complete says whether it was kept whole",
  feedback:
    "set later through PATCH /logs/{id}: the export is written once, when the log is stored, and has no value for it then",
  score: "set later through PATCH /logs/{id}, like feedback",
} as const satisfies Record<string, string>;

/**
 * The table's partition keys, in the order of the object keys Firehose writes
 * (`logs/date=YYYY-MM-DD/gateway={gateway id}/`), from each record's `created_at` day and `gateway_id`.
 */
export const EXPORT_PARTITION_KEYS = [
  { name: "date", type: "string" },
  { name: "gateway", type: "string" },
] as const;

/** Where exported logs live under the export bucket (or the local export directory). */
export const EXPORT_PREFIX = "logs/";
