import type { LogEvent } from "../schemas/log-event.ts";

/** A stored log as the logs API returns it: every field of the event except the bodies. */
export type LogRecord = Omit<LogEvent, "request_body" | "response_body" | "account_id"> & {
  request_head_complete: boolean | null;
  response_head_complete: boolean | null;
  /** Set through PATCH /logs/{id}: -1, 0 or 1 (thumbs down, none, up), an integer score 0-100. */
  feedback?: number | null;
  score?: number | null;
};

export type BodyKind = "request" | "response";

/**
 * Attributes that are keys, bodies (older items kept them inline), or bookkeeping of the log-writer;
 * everything else in an item is a field of the log record, including fields later events add.
 */
const NON_RECORD_ATTRIBUTES = [
  "pk",
  "sk",
  "account_id",
  "request_body",
  "response_body",
  "body_store",
  "expires_at",
  "applied",
  "claimed_until",
  "write_batch",
];

export function toRecord(item: Record<string, unknown>): LogRecord {
  const record = { ...item };
  for (const attribute of NON_RECORD_ATTRIBUTES) delete record[attribute];
  return record as LogRecord;
}

/** DynamoDB deletes expired items lazily (up to days later), so every read checks `expires_at` itself. */
export function isExpired(item: Record<string, unknown>, nowMs: number): boolean {
  const expiresAt = item.expires_at;
  return typeof expiresAt === "number" && expiresAt * 1000 <= nowMs;
}

/** The epoch second a log written now expires at, or undefined to keep it (LOGS_TTL_DAYS = 0). */
export function expiryFor(nowMs: number, ttlDays: number): number | undefined {
  return ttlDays > 0 ? Math.floor(nowMs / 1000) + Math.round(ttlDays * 86_400) : undefined;
}
