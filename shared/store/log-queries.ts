import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { compareRecords, type LogQuery, matchesQuery, TopRecords, timeWindow } from "../logs/log-query.ts";
import { isConditionFailure } from "./conflict-error.ts";
import { type LogBodyObjects, logBodyKey } from "./log-body-objects.ts";
import { type BodyKind, isExpired, type LogRecord, toRecord } from "./log-items.ts";
import { BODIES_IN_S3, logIdRange } from "./log-keys.ts";
import { candidateLocations, type LogLocation, listingPartitions } from "./log-shards.ts";
import type { LogTable } from "./log-table.ts";
import { mergedLogItems } from "./merged-log-items.ts";

const gunzipAsync = promisify(gunzip);

/** created_at and the id's millisecond come from two clock reads; the sort-key range allows for that. */
const ID_TIME_MARGIN_MS = 60_000;

export interface LogPage {
  records: LogRecord[];
  /** Undefined when the caller did not ask for it (`countAll: false`): the stored-log counter answers it. */
  totalCount: number | undefined;
  /** min/max of cost, duration and tokens over every matching log (`meta_info`). */
  meta: Record<string, number | null>;
}

/** A page read after a cursor (the last id of the page before), in created_at order. */
export interface LogCursorPage {
  records: LogRecord[];
  /** The id to pass as `after` for the next page; undefined when this page reached the end. */
  next: string | undefined;
}

/** The sort-key range of a query's time window, widened by the margin; undefined without one. */
export function sortKeyRange(query: Pick<LogQuery, "filters">): { from: string; to: string } | undefined {
  const window = timeWindow(query.filters);
  if (window.fromMs === undefined && window.toMs === undefined) return undefined;
  return logIdRange(
    (window.fromMs ?? 0) - ID_TIME_MARGIN_MS,
    (window.toMs ?? 2 ** 48 - 1) + ID_TIME_MARGIN_MS,
  );
}

export interface LogUpdate {
  feedback?: number | null;
  score?: number | null;
  metadata?: Record<string, string | number | boolean> | null;
}

const META_FIELDS = ["cost", "duration", "tokens_in", "tokens_out", "total_tokens"] as const;

function metaValue(item: Record<string, unknown>, field: (typeof META_FIELDS)[number]): number | null {
  if (field === "total_tokens") {
    const [tokensIn, tokensOut] = [item.tokens_in, item.tokens_out];
    if (typeof tokensIn !== "number" && typeof tokensOut !== "number") return null;
    return (typeof tokensIn === "number" ? tokensIn : 0) + (typeof tokensOut === "number" ? tokensOut : 0);
  }
  const value = item[field];
  return typeof value === "number" ? value : null;
}

/**
 * The management API's reads and edits of logs (shared/management/log-routes.ts): one log, its bodies,
 * a page of a filtered listing, the ids a filter selects, and feedback, score and metadata.
 */
export class LogQueries {
  constructor(
    private readonly table: LogTable,
    private readonly bodies?: LogBodyObjects,
  ) {}

  async get(accountId: string, gatewayId: string, id: string): Promise<LogRecord | undefined> {
    const found = await this.locate(accountId, gatewayId, id);
    return found ? toRecord(found.item) : undefined;
  }

  /**
   * The unexpired log item and where it is: its shard, else where an earlier layout put it (log-shards.ts).
   * One GetItem when the log is in its shard, the usual case.
   */
  private async locate(
    accountId: string,
    gatewayId: string,
    id: string,
    projection?: { expression: string; names?: Record<string, string> },
  ): Promise<{ item: Record<string, unknown>; location: LogLocation } | undefined> {
    for (const location of candidateLocations(accountId, gatewayId, id, this.table.shards)) {
      const { Item } = await this.table.client.send(
        new GetCommand({
          TableName: this.table.tableName,
          Key: { pk: location.logPk, sk: id },
          ...(projection
            ? { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names }
            : {}),
        }),
      );
      if (Item) return isExpired(Item, this.table.now()) ? undefined : { item: Item, location };
    }
    return undefined;
  }

  /** The body as text, null when the log kept none, undefined when there is no such log. */
  async getBody(
    accountId: string,
    gatewayId: string,
    id: string,
    kind: BodyKind,
  ): Promise<string | null | undefined> {
    const attribute = `${kind}_body`;
    const names = { "#body": attribute };
    const log = await this.locate(accountId, gatewayId, id, {
      expression: `#body, sk, expires_at, body_store, ${kind}_head_complete`,
      names,
    });
    if (!log) return undefined;
    let compressed: Uint8Array | undefined;
    if (log.item.body_store === BODIES_IN_S3) {
      // A body the log did not keep has no object: no GetObject, which S3 would refuse with 403 rather
      // than 404 to a role without s3:ListBucket (the api's, on purpose).
      if (typeof log.item[`${kind}_head_complete`] !== "boolean") return null;
      if (!this.bodies) throw new Error("This log's bodies are in S3, but no bucket is configured");
      compressed = await this.bodies.get(logBodyKey(accountId, gatewayId, id, kind));
    } else {
      // Bodies under the S3 threshold, and all written before the bucket, are a body item beside the log
      // (its shard's body partition); the oldest are inline.
      const bodies = await this.table.client.send(
        new GetCommand({
          TableName: this.table.tableName,
          Key: { pk: log.location.bodyPk, sk: id },
          ProjectionExpression: "#body",
          ExpressionAttributeNames: names,
        }),
      );
      compressed = (bodies.Item?.[attribute] ?? log.item[attribute]) as Uint8Array | undefined;
    }
    return compressed ? (await gunzipAsync(compressed)).toString("utf8") : null;
  }

  /** One page of the logs a query selects, without bodies, with the total and the min/max figures. */
  async list(
    accountId: string,
    gatewayId: string,
    query: LogQuery,
    page: { page: number; perPage: number },
    /**
     * false: the caller has the total from the stored-log counter (an unfiltered listing), so a listing in
     * created_at order reads only as far as its page, merging the shards, instead of every matching log.
     */
    options: { countAll?: boolean } = {},
  ): Promise<LogPage> {
    if (options.countAll === false && query.orderBy === "created_at") {
      const skip = (page.page - 1) * page.perPage;
      const records: LogRecord[] = [];
      let seen = 0;
      for await (const item of this.matchingInOrder(accountId, gatewayId, query, page.page * page.perPage)) {
        seen += 1;
        if (seen <= skip) continue;
        records.push(toRecord(item));
        if (records.length === page.perPage) break;
      }
      return { records, totalCount: undefined, meta: {} };
    }
    const top = new TopRecords(page.page * page.perPage, compareRecords(query.orderBy, query.direction));
    const meta: Record<string, number | null> = {};
    for (const field of META_FIELDS) Object.assign(meta, { [`min_${field}`]: null, [`max_${field}`]: null });
    let totalCount = 0;
    await this.scanMatching(accountId, gatewayId, query, (item) => {
      totalCount += 1;
      top.add(item);
      for (const field of META_FIELDS) {
        const value = metaValue(item, field);
        if (value === null) continue;
        const [min, max] = [meta[`min_${field}`], meta[`max_${field}`]];
        meta[`min_${field}`] = min === null || min === undefined ? value : Math.min(min, value);
        meta[`max_${field}`] = max === null || max === undefined ? value : Math.max(max, value);
      }
    });
    const start = (page.page - 1) * page.perPage;
    const records = top
      .sorted()
      .slice(start, start + page.perPage)
      .map(toRecord);
    return { records, totalCount, meta };
  }

  /** The ids of the first `limit` logs a query selects, in its order. */
  async selectIds(accountId: string, gatewayId: string, query: LogQuery, limit: number): Promise<string[]> {
    if (query.orderBy === "created_at") {
      // The shards merged in time order: reading stops at the limit.
      const ids: string[] = [];
      for await (const item of this.matchingInOrder(accountId, gatewayId, query, limit)) {
        ids.push(String(item.sk));
        if (ids.length >= limit) break;
      }
      return ids;
    }
    const top = new TopRecords(limit, compareRecords(query.orderBy, query.direction));
    await this.scanMatching(accountId, gatewayId, query, (item) => top.add(item));
    return top.sorted().map((item) => String(item.sk));
  }

  /**
   * The page after a cursor (the last id the caller has), in created_at order, `direction` included: the
   * shards are merged by id, and each resumes after the cursor, so a page costs its own logs whatever
   * its depth, and no log is given twice or skipped.
   */
  async listAfter(
    accountId: string,
    gatewayId: string,
    query: Pick<LogQuery, "filters" | "search" | "direction">,
    page: { after?: string; limit: number },
  ): Promise<LogCursorPage> {
    const records: LogRecord[] = [];
    let more = false;
    const ordered = { ...query, orderBy: "created_at" as const };
    for await (const item of this.matchingInOrder(
      accountId,
      gatewayId,
      ordered,
      page.limit + 1,
      page.after,
    )) {
      if (records.length === page.limit) {
        more = true;
        break;
      }
      records.push(toRecord(item));
    }
    return { records, next: more ? records.at(-1)?.id : undefined };
  }

  /** Sets feedback, score and metadata (null clears); the updated log, or undefined when there is none. */
  async update(
    accountId: string,
    gatewayId: string,
    id: string,
    changes: LogUpdate,
  ): Promise<LogRecord | undefined> {
    const found = await this.locate(accountId, gatewayId, id);
    if (!found) return undefined;
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return toRecord(found.item);
    try {
      const { Attributes } = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: { pk: found.location.logPk, sk: id },
          UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(", ")}`,
          ConditionExpression: "attribute_exists(sk)",
          ExpressionAttributeNames: Object.fromEntries(entries.map(([name], index) => [`#f${index}`, name])),
          ExpressionAttributeValues: Object.fromEntries(
            entries.map(([, value], index) => [`:v${index}`, value]),
          ),
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes ? toRecord(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /**
   * The unexpired logs that match the query, in created_at (id) order: the gateway's shards, and its
   * unsharded partition, merged (merged-log-items.ts), each read only as far as the caller goes.
   */
  private async *matchingInOrder(
    accountId: string,
    gatewayId: string,
    query: Pick<LogQuery, "filters" | "search" | "direction">,
    pageSize: number,
    after?: string,
  ): AsyncGenerator<Record<string, unknown>> {
    const now = this.table.now();
    const partitions = listingPartitions(accountId, gatewayId, this.table.shards);
    const items = mergedLogItems(this.table, partitions, {
      direction: query.direction,
      range: sortKeyRange(query),
      after,
      // Each shard holds about 1/N of what is read: twice that at first; a shard that runs out reads on.
      pageSize: Math.min(100, Math.max(10, Math.ceil((2 * pageSize) / partitions.length))),
    });
    for await (const item of items) if (!isExpired(item, now) && matchesQuery(item, query)) yield item;
  }

  /**
   * Reads the gateway's partitions (its shards and the unsharded one), within the time window the
   * filters imply, and hands every unexpired log that matches the query to `visit`. Its cost is the size
   * of that part of the gateway's logs: what an order other than created_at, a filtered total or
   * `meta_info` needs.
   */
  private async scanMatching(
    accountId: string,
    gatewayId: string,
    query: LogQuery,
    visit: (item: Record<string, unknown>) => void,
  ): Promise<void> {
    for await (const item of this.matchingInOrder(accountId, gatewayId, query, 1_000)) visit(item);
  }
}
