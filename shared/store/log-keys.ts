/**
 * Keys of the items kept in the logs table. Logs live in the partition "{account}#{gateway}", sorted by
 * their UUIDv7 id; everything else the log pipeline keeps (bodies, the stored-log counter, drop markers,
 * analytics buckets) lives in partitions with a suffix after a further "#". Gateway ids cannot contain
 * "#", so no other gateway's log partition can equal one of these, and a log listing never reads them.
 */
export const logPartition = (accountId: string, gatewayId: string) => `${accountId}#${gatewayId}`;

/** Bodies are items of their own, so a listing neither reads nor pays for them. */
export const bodyPartition = (accountId: string, gatewayId: string) => `${accountId}#${gatewayId}#bodies`;

/**
 * The value of a log item's `body_store` when its bodies are S3 objects (log-body-objects.ts). Items
 * without it keep theirs in the body partition above, or, the oldest, inline.
 */
export const BODIES_IN_S3 = "s3";

/**
 * The gzip bytes (request and response together) from which a log's bodies go to S3 rather than the
 * body partition: about where two PutObjects ($10 per million logs) cost less than the table's write
 * units and storage for the same bytes (docs/cost.md). LOG_BODIES_S3_MIN_BYTES sets it for the log-writer.
 */
export const DEFAULT_LOG_BODIES_S3_MIN_BYTES = 16_384;

/** One item: how many logs the gateway stores, and how many were dropped at its limit. */
export const counterKey = (accountId: string, gatewayId: string) => ({
  pk: `${accountId}#${gatewayId}#counters`,
  sk: "logs",
});

/**
 * The stored logs that expire in each minute (sk: the epoch minute, zero-padded so it sorts), so the
 * stored-log counter can let go of them when DynamoDB's TTL removes them (log-counter-store.ts).
 */
export const expiringPartition = (accountId: string, gatewayId: string) =>
  `${accountId}#${gatewayId}#expiring`;

export const expiryMinuteKey = (epochSeconds: number) =>
  String(Math.floor(epochSeconds / 60)).padStart(10, "0");

/** A log dropped by STOP_INSERTING leaves a short-lived marker, so a redelivery is recognised. */
export const droppedPartition = (accountId: string, gatewayId: string) => `${accountId}#${gatewayId}#dropped`;

/** Log-delete jobs (log-delete-job-store.ts), sk the job's UUIDv7 id. */
export const deleteJobPartition = (accountId: string, gatewayId: string) =>
  `${accountId}#${gatewayId}#deletes`;

/** One item while a DELETE_OLDEST job runs for the gateway, so the log-writer starts one at a time. */
export const retentionJobKey = (accountId: string, gatewayId: string) => ({
  pk: `${accountId}#${gatewayId}#retention-job`,
  sk: "current",
});

/** One item per log-writer batch (sk: the batch's id) that finished every step of the gateway's logs it inserted. */
export const batchPartition = (accountId: string, gatewayId: string) => `${accountId}#${gatewayId}#batches`;

export type Granularity = "hour" | "day";

export const analyticsPartition = (accountId: string, gatewayId: string, granularity: Granularity) =>
  `${accountId}#${gatewayId}#analytics#${granularity}`;

/** The 48-bit millisecond timestamp a UUIDv7 starts with, as the id's first 13 characters ("xxxxxxxx-xxxx"). */
export function uuidV7TimePrefix(milliseconds: number): string {
  // Clamped to the 48 bits: an open upper bound plus a margin would otherwise wrap round to a small prefix,
  // below the lower bound, which DynamoDB refuses (BETWEEN needs from <= to).
  const clamped = Math.min(2 ** 48 - 1, Math.max(0, Math.floor(milliseconds)));
  const hex = clamped.toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}`;
}

/**
 * Sort-key bounds for logs created between two instants (inclusive): UUIDv7 ids begin with their
 * millisecond, in lower-case hex, so a time range is a sort-key range. "-" sorts before every hex digit
 * and "z" after, so the bounds take in every id of the first and last millisecond.
 */
export function logIdRange(fromMs: number, toMs: number): { from: string; to: string } {
  return { from: `${uuidV7TimePrefix(fromMs)}-`, to: `${uuidV7TimePrefix(toMs)}-z` };
}
