import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { compareRecords, type LogQuery, matchesQuery, TopRecords, timeWindow } from "../logs/log-query.ts";
import { isConditionFailure } from "./conflict-error.ts";
import { type LogBodyObjects, logBodyKey } from "./log-body-objects.ts";
import { type BodyKind, isExpired, type LogRecord, toRecord } from "./log-items.ts";
import { BODIES_IN_S3, bodyPartition, logIdRange, logPartition } from "./log-keys.ts";
import type { LogTable } from "./log-table.ts";

const gunzipAsync = promisify(gunzip);

/** created_at and the id's millisecond come from two clock reads; the sort-key range allows for that. */
const ID_TIME_MARGIN_MS = 60_000;

export interface LogPage {
  records: LogRecord[];
  totalCount: number;
  /** min/max of cost, duration and tokens over every matching log (`meta_info`). */
  meta: Record<string, number | null>;
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
    const { Item } = await this.table.client.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: { pk: logPartition(accountId, gatewayId), sk: id },
      }),
    );
    return Item && !isExpired(Item, this.table.now()) ? toRecord(Item) : undefined;
  }

  /** The body as text, null when the log kept none, undefined when there is no such log. */
  async getBody(
    accountId: string,
    gatewayId: string,
    id: string,
    kind: BodyKind,
  ): Promise<string | null | undefined> {
    const attribute = `${kind}_body`;
    const read = (pk: string, projection: string) =>
      this.table.client.send(
        new GetCommand({
          TableName: this.table.tableName,
          Key: { pk, sk: id },
          ProjectionExpression: projection,
          ExpressionAttributeNames: { "#body": attribute },
        }),
      );
    const log = await read(
      logPartition(accountId, gatewayId),
      `#body, sk, expires_at, body_store, ${kind}_head_complete`,
    );
    if (!log.Item || isExpired(log.Item, this.table.now())) return undefined;
    let compressed: Uint8Array | undefined;
    if (log.Item.body_store === BODIES_IN_S3) {
      // A body the log did not keep has no object: no GetObject, which S3 would refuse with 403 rather
      // than 404 to a role without s3:ListBucket (the api's, on purpose).
      if (typeof log.Item[`${kind}_head_complete`] !== "boolean") return null;
      if (!this.bodies) throw new Error("This log's bodies are in S3, but no bucket is configured");
      compressed = await this.bodies.get(logBodyKey(accountId, gatewayId, id, kind));
    } else {
      // Logs written before bodies moved to S3 keep them in a body item, the oldest inline.
      const bodies = await read(bodyPartition(accountId, gatewayId), "#body");
      compressed = (bodies.Item?.[attribute] ?? log.Item[attribute]) as Uint8Array | undefined;
    }
    return compressed ? (await gunzipAsync(compressed)).toString("utf8") : null;
  }

  /** One page of the logs a query selects, without bodies, with the total and the min/max figures. */
  async list(
    accountId: string,
    gatewayId: string,
    query: LogQuery,
    page: { page: number; perPage: number },
  ): Promise<LogPage> {
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
    const top = new TopRecords(limit, compareRecords(query.orderBy, query.direction));
    await this.scanMatching(accountId, gatewayId, query, (item) => top.add(item));
    return top.sorted().map((item) => String(item.sk));
  }

  /** Sets feedback, score and metadata (null clears); the updated log, or undefined when there is none. */
  async update(
    accountId: string,
    gatewayId: string,
    id: string,
    changes: LogUpdate,
  ): Promise<LogRecord | undefined> {
    if (!(await this.get(accountId, gatewayId, id))) return undefined;
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return this.get(accountId, gatewayId, id);
    try {
      const { Attributes } = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: { pk: logPartition(accountId, gatewayId), sk: id },
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
   * Reads the gateway's partition, within the time window the filters imply, and hands every unexpired
   * log that matches the query to `visit`. Its cost is the size of that part of the partition.
   */
  private async scanMatching(
    accountId: string,
    gatewayId: string,
    query: LogQuery,
    visit: (item: Record<string, unknown>) => void,
  ): Promise<void> {
    const window = timeWindow(query.filters);
    const range =
      window.fromMs !== undefined || window.toMs !== undefined
        ? logIdRange(
            (window.fromMs ?? 0) - ID_TIME_MARGIN_MS,
            (window.toMs ?? 2 ** 48 - 1) + ID_TIME_MARGIN_MS,
          )
        : undefined;
    const now = this.table.now();
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: range ? "pk = :pk AND sk BETWEEN :from AND :to" : "pk = :pk",
          ExpressionAttributeValues: {
            ":pk": logPartition(accountId, gatewayId),
            ...(range ? { ":from": range.from, ":to": range.to } : {}),
          },
          ScanIndexForward: query.direction === "asc",
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) {
        if (!isExpired(item, now) && matchesQuery(item, query)) visit(item);
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey);
  }
}
