import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { compareRecords, type LogQuery, matchesQuery, TopRecords, timeWindow } from "../logs/log-query.ts";
import { compressedLogBody } from "../logs/logged-body.ts";
import type { LogEvent } from "../schemas/log-event.ts";
import { isConditionFailure } from "./conflict-error.ts";
import { type BodyKind, isExpired, type LogRecord, toRecord } from "./log-items.ts";
import { batchPartition, bodyPartition, logIdRange, logPartition } from "./log-keys.ts";

export type { BodyKind, LogRecord } from "./log-items.ts";

const gunzipAsync = promisify(gunzip);

/** created_at and the id's millisecond come from two clock reads; the sort-key range allows for that. */
const ID_TIME_MARGIN_MS = 60_000;

/** BatchWriteItem takes at most 25 items; unprocessed ones are retried this many times. */
const BATCH_WRITE_LIMIT = 25;
const BATCH_WRITE_RETRIES = 4;

/** SQS keeps a message at most 14 days: a batch's record only has to outlive every redelivery. */
const BATCH_RECORD_SECONDS = 14 * 86_400;

/** The item holding a log's gzip-compressed bodies, or null when it kept none. */
function bodyItem(event: LogEvent, expiresAt?: number): Record<string, unknown> | null {
  const { request_body, response_body } = event;
  if (!request_body && !response_body) return null;
  return {
    pk: bodyPartition(event.account_id, event.gateway_id),
    sk: event.id,
    request_body: request_body ? compressedLogBody(request_body) : undefined,
    response_body: response_body ? compressedLogBody(response_body) : undefined,
    expires_at: expiresAt,
  };
}

/** Deletes run this many at a time: one DeleteItem each, so each reports whether it removed a log. */
const DELETE_CONCURRENCY = 25;

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
 * Logs in the logs table, one item per request: pk "{account}#{gateway}", sk the UUIDv7 log id, so the
 * partition is in time order and a time range is a sort-key range. Bodies are gzip-compressed items of
 * their own in "{account}#{gateway}#bodies", read only by the body endpoints, so a listing never pays
 * for them. Listing, filtering and deleting by filter read the gateway's partition within the time range
 * the filters give (all of it without one) and never scan the table.
 */
export class LogStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Stores a log unless it is stored already (SQS delivers at least once): true when this call
   * inserted it. The bodies are written first and unconditionally, so a retry completes a half write.
   */
  async insert(event: LogEvent, expiresAt?: number, claimUntil?: number): Promise<boolean> {
    const bodies = bodyItem(event, expiresAt);
    if (bodies) await this.client.send(new PutCommand({ TableName: this.tableName, Item: bodies }));
    return this.insertLogItem(event, expiresAt, claimUntil);
  }

  /**
   * Writes the body items of many logs with BatchWriteItem, 25 to a call, unconditionally as `insert`
   * does: the log-writer stores a batch's bodies first, then inserts each log item with `insertLogItem`.
   * Items DynamoDB leaves unprocessed (throttling) are sent again a few times; what is still left fails.
   */
  async putBodies(events: LogEvent[], expiresAt?: number): Promise<void> {
    const items: Record<string, unknown>[] = [];
    for (const event of events) {
      const item = bodyItem(event, expiresAt);
      if (item) items.push(item);
    }
    const chunks: Record<string, unknown>[][] = [];
    for (let index = 0; index < items.length; index += BATCH_WRITE_LIMIT)
      chunks.push(items.slice(index, index + BATCH_WRITE_LIMIT));
    await Promise.all(
      chunks.map(async (chunk) => {
        let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; requests.length > 0; attempt += 1) {
          if (attempt > 0) {
            if (attempt > BATCH_WRITE_RETRIES)
              throw new Error(`${requests.length} log bodies left unprocessed`);
            await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
          }
          const { UnprocessedItems } = await this.client.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
          );
          requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
        }
      }),
    );
  }

  /**
   * The log item alone (its bodies already written): true when this call inserted it. `writeBatch` names
   * the log-writer batch inserting it, whose record (`markBatchApplied`) may stand for the log's own.
   */
  async insertLogItem(
    event: LogEvent,
    expiresAt?: number,
    claimUntil?: number,
    writeBatch?: string,
  ): Promise<boolean> {
    const { request_body, response_body, account_id, ...fields } = event;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: logPartition(account_id, event.gateway_id),
            sk: event.id,
            ...fields,
            request_head_complete: request_body ? request_body.complete : null,
            response_head_complete: response_body ? response_body.complete : null,
            expires_at: expiresAt,
            claimed_until: claimUntil,
            write_batch: writeBatch,
          },
          ConditionExpression: "attribute_not_exists(sk)",
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Kept for callers that only store: a log delivered twice is stored once. */
  async put(event: LogEvent, expiresAt?: number): Promise<void> {
    await this.insert(event, expiresAt);
  }

  /**
   * The log-writer's steps already applied for this log (see store-log-event.ts): those its item records,
   * and those the record of the batch that inserted it records, if that batch finished. Undefined: no log.
   */
  async appliedSteps(accountId: string, gatewayId: string, id: string): Promise<Set<string> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: logPartition(accountId, gatewayId), sk: id },
        ProjectionExpression: "applied, sk, write_batch",
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const applied = new Set((Item.applied as Set<string> | undefined) ?? []);
    if (typeof Item.write_batch === "string") {
      const batch = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: batchPartition(accountId, gatewayId), sk: Item.write_batch },
          ConsistentRead: true,
        }),
      );
      for (const step of (batch.Item?.applied as Set<string> | undefined) ?? []) applied.add(step);
    }
    return applied;
  }

  /**
   * Records `steps` as applied for every log of this gateway that the batch `writeBatch` inserted: one
   * write instead of one per log. Kept as long as SQS may deliver a message again (14 days at most).
   */
  async markBatchApplied(
    accountId: string,
    gatewayId: string,
    writeBatch: string,
    steps: string[],
  ): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: batchPartition(accountId, gatewayId),
          sk: writeBatch,
          applied: new Set(steps),
          expires_at: Math.floor(this.now() / 1000) + BATCH_RECORD_SECONDS,
        },
      }),
    );
  }

  /**
   * Takes over a stored log whose steps are unfinished, unless another delivery holds it (its claim has
   * not run out): SQS may hand the same message to two invocations at once. True when this call holds it.
   */
  async claim(
    accountId: string,
    gatewayId: string,
    id: string,
    nowMs: number,
    untilMs: number,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: logPartition(accountId, gatewayId), sk: id },
          UpdateExpression: "SET claimed_until = :until",
          ConditionExpression:
            "attribute_exists(sk) AND (attribute_not_exists(claimed_until) OR claimed_until < :now)",
          ExpressionAttributeValues: { ":until": untilMs, ":now": nowMs },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Records steps as applied and releases this delivery's claim, so a retry can go on at once; a log
   * deleted meanwhile is left deleted.
   */
  async markApplied(accountId: string, gatewayId: string, id: string, steps: string[]): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: logPartition(accountId, gatewayId), sk: id },
          UpdateExpression:
            steps.length > 0 ? "REMOVE claimed_until ADD applied :steps" : "REMOVE claimed_until",
          ConditionExpression: "attribute_exists(sk)",
          ...(steps.length > 0 ? { ExpressionAttributeValues: { ":steps": new Set(steps) } } : {}),
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async get(accountId: string, gatewayId: string, id: string): Promise<LogRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: logPartition(accountId, gatewayId), sk: id } }),
    );
    return Item && !isExpired(Item, this.now()) ? toRecord(Item) : undefined;
  }

  /** The body as text, null when the log kept none, undefined when there is no such log. */
  async getBody(
    accountId: string,
    gatewayId: string,
    id: string,
    kind: BodyKind,
  ): Promise<string | null | undefined> {
    const attribute = `${kind}_body`;
    const read = (pk: string) =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk, sk: id },
          ProjectionExpression: "#body, sk, expires_at",
          ExpressionAttributeNames: { "#body": attribute },
        }),
      );
    const [log, bodies] = await Promise.all([
      read(logPartition(accountId, gatewayId)),
      read(bodyPartition(accountId, gatewayId)),
    ]);
    if (!log.Item || isExpired(log.Item, this.now())) return undefined;
    // Logs written before bodies moved to their own items keep them inline.
    const compressed = (bodies.Item?.[attribute] ?? log.Item[attribute]) as Uint8Array | undefined;
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

  /** The ids of the gateway's oldest logs: a query in ascending sort-key order, Limit = count. */
  async oldestIds(accountId: string, gatewayId: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": logPartition(accountId, gatewayId) },
          ProjectionExpression: "sk",
          ScanIndexForward: true,
          Limit: count - ids.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) ids.push(String(item.sk));
      startKey = result.LastEvaluatedKey;
    } while (startKey && ids.length < count);
    return ids;
  }

  /** Deletes logs and their bodies; returns how many logs this call removed (for the stored-log counter). */
  async deleteLogs(accountId: string, gatewayId: string, ids: readonly string[]): Promise<number> {
    let deleted = 0;
    for (let index = 0; index < ids.length; index += DELETE_CONCURRENCY) {
      const chunk = ids.slice(index, index + DELETE_CONCURRENCY);
      const results = await Promise.all(chunk.map((id) => this.deleteOne(accountId, gatewayId, id)));
      deleted += results.filter(Boolean).length;
    }
    return deleted;
  }

  private async deleteOne(accountId: string, gatewayId: string, id: string): Promise<boolean> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: bodyPartition(accountId, gatewayId), sk: id },
      }),
    );
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: logPartition(accountId, gatewayId), sk: id },
          ConditionExpression: "attribute_exists(sk)",
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
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
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
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
    const now = this.now();
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
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
