import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { LogQuery } from "../logs/log-query.ts";
import type { LogEvent } from "../schemas/log-event.ts";
import type { LogBodyObjects } from "./log-body-objects.ts";
import { type DeletedLogs, type DeleteSlice, LogDeletes } from "./log-deletes.ts";
import { LogIngest } from "./log-ingest.ts";
import type { BodyKind, LogRecord } from "./log-items.ts";
import { type LogCursorPage, type LogPage, LogQueries, type LogUpdate } from "./log-queries.ts";
import { DEFAULT_LOG_SHARDS, isValidShardCount, MAX_LOG_SHARDS } from "./log-shards.ts";

export type { DeletedLogs, DeleteSlice } from "./log-deletes.ts";
export type { BodyKind, LogRecord } from "./log-items.ts";
export type { LogCursorPage, LogPage, LogUpdate } from "./log-queries.ts";

/**
 * Logs in the logs table, one item per request: pk "{account}#{gateway}#{shard}" (log-shards.ts; before
 * shards, "{account}#{gateway}"), sk the UUIDv7 log id, so each partition is in time order, a time range is
 * a sort-key range, and a listing merges the shards in that order. Bodies are gzip-compressed objects in
 * S3 when a bucket is given (`bodies`; log-body-objects.ts) and they are large enough, otherwise items of their own in
 * "{account}#{gateway}#bodies"; either way only the body endpoints read them, so a listing never pays
 * for them, and logs stored in either layout (or the oldest, inline) stay readable and deletable. Listing, filtering and deleting by filter read the gateway's partition within the time range
 * the filters give (all of it without one) and never scan the table.
 * This class composes the parts each caller uses: LogIngest (the log-writer), LogQueries (the management
 * API) and LogDeletes (retention, delete by filter, the log-writer's drops).
 */
export class LogStore {
  private readonly ingest: LogIngest;
  private readonly queries: LogQueries;
  private readonly deletes: LogDeletes;

  constructor(
    client: DynamoDBDocumentClient,
    tableName: string,
    now: () => number = Date.now,
    bodies?: LogBodyObjects,
    /** The gzip bytes from which a log's bodies go to S3 (log-ingest.ts); the default when unset. */
    bodiesS3MinBytes?: number,
    /** Write shards per gateway (log-shards.ts, LOG_SHARDS): a power of two up to 64. */
    shards: number = DEFAULT_LOG_SHARDS,
  ) {
    if (!isValidShardCount(shards))
      throw new Error(`LOG_SHARDS must be a power of two from 1 to ${MAX_LOG_SHARDS}, got ${shards}`);
    const table = { client, tableName, now, shards };
    this.ingest = new LogIngest(table, bodies, bodiesS3MinBytes);
    this.queries = new LogQueries(table, bodies);
    this.deletes = new LogDeletes(table, bodies);
  }

  // The log-writer's writes (log-ingest.ts).

  insert(event: LogEvent, expiresAt?: number, claimUntil?: number): Promise<boolean> {
    return this.ingest.insert(event, expiresAt, claimUntil);
  }

  putBodies(events: LogEvent[], expiresAt?: number): Promise<void> {
    return this.ingest.putBodies(events, expiresAt);
  }

  insertLogItem(
    event: LogEvent,
    expiresAt?: number,
    claimUntil?: number,
    writeBatch?: string,
  ): Promise<boolean> {
    return this.ingest.insertLogItem(event, expiresAt, claimUntil, writeBatch);
  }

  /** The item `insertLogItem` writes, unwritten: for sizing it and for bulk loads. */
  logItem(event: LogEvent, expiresAt?: number): Record<string, unknown> {
    return this.ingest.logItem(event, expiresAt);
  }

  put(event: LogEvent, expiresAt?: number): Promise<void> {
    return this.ingest.put(event, expiresAt);
  }

  appliedSteps(accountId: string, gatewayId: string, id: string): Promise<Set<string> | undefined> {
    return this.ingest.appliedSteps(accountId, gatewayId, id);
  }

  markBatchApplied(accountId: string, gatewayId: string, writeBatch: string, steps: string[]): Promise<void> {
    return this.ingest.markBatchApplied(accountId, gatewayId, writeBatch, steps);
  }

  claim(accountId: string, gatewayId: string, id: string, nowMs: number, untilMs: number): Promise<boolean> {
    return this.ingest.claim(accountId, gatewayId, id, nowMs, untilMs);
  }

  markApplied(accountId: string, gatewayId: string, id: string, steps: string[]): Promise<void> {
    return this.ingest.markApplied(accountId, gatewayId, id, steps);
  }

  // The management API's reads and edits (log-queries.ts).

  get(accountId: string, gatewayId: string, id: string): Promise<LogRecord | undefined> {
    return this.queries.get(accountId, gatewayId, id);
  }

  getBody(
    accountId: string,
    gatewayId: string,
    id: string,
    kind: BodyKind,
  ): Promise<string | null | undefined> {
    return this.queries.getBody(accountId, gatewayId, id, kind);
  }

  list(
    accountId: string,
    gatewayId: string,
    query: LogQuery,
    page: { page: number; perPage: number },
    options?: { countAll?: boolean },
  ): Promise<LogPage> {
    return this.queries.list(accountId, gatewayId, query, page, options);
  }

  listAfter(
    accountId: string,
    gatewayId: string,
    query: Pick<LogQuery, "filters" | "search" | "direction">,
    page: { after?: string; limit: number },
  ): Promise<LogCursorPage> {
    return this.queries.listAfter(accountId, gatewayId, query, page);
  }

  selectIds(accountId: string, gatewayId: string, query: LogQuery, limit: number): Promise<string[]> {
    return this.queries.selectIds(accountId, gatewayId, query, limit);
  }

  update(
    accountId: string,
    gatewayId: string,
    id: string,
    changes: LogUpdate,
  ): Promise<LogRecord | undefined> {
    return this.queries.update(accountId, gatewayId, id, changes);
  }

  // Deletes (log-deletes.ts).

  oldestIds(accountId: string, gatewayId: string, count: number): Promise<string[]> {
    return this.deletes.oldestIds(accountId, gatewayId, count);
  }

  matchingSlice(
    accountId: string,
    gatewayId: string,
    query: Pick<LogQuery, "filters" | "direction">,
    slice: { after?: string; max: number; readLimit: number },
  ): Promise<DeleteSlice> {
    return this.deletes.matchingSlice(accountId, gatewayId, query, slice);
  }

  deleteLogs(accountId: string, gatewayId: string, ids: readonly string[]): Promise<number> {
    return this.deletes.deleteLogs(accountId, gatewayId, ids);
  }

  removeLogs(accountId: string, gatewayId: string, ids: readonly string[]): Promise<DeletedLogs> {
    return this.deletes.removeLogs(accountId, gatewayId, ids);
  }
}
