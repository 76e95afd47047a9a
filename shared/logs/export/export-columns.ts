/**
 * The columns of an exported log (docs/analytics.md): the record the logs API returns for a log (every
 * field of the log event but its bodies, plus whether each body was kept whole) and the account, in the
 * Glue table's types. One list for both ends: the log-writer builds each record from it (export-record.ts)
 * and the CDK stack declares the Glue table from it, which Firehose's record format conversion reads to
 * write Parquet. A field added to the log event is added here too, or it stays out of the export.
 *
 * Types are Hive's, as Glue and Athena spell them. `created_at` stays the ISO 8601 string the logs API
 * shows (Athena: `from_iso8601_timestamp(created_at)`); the `date` partition holds its day. Metadata values
 * (string, number or boolean in the event) are strings here, since a Glue map has one value type.
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
] as const;

export type ExportColumnName = (typeof EXPORT_COLUMNS)[number]["name"];

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
