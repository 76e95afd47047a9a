import { BatchWriteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { compressedLogBody } from "../logs/logged-body.ts";
import type { LogEvent } from "../schemas/log-event.ts";
import { isConditionFailure } from "./conflict-error.ts";
import { type LogBodyObject, type LogBodyObjects, logBodyKey } from "./log-body-objects.ts";
import { BODIES_IN_S3, batchPartition, DEFAULT_LOG_BODIES_S3_MIN_BYTES } from "./log-keys.ts";
import { writeLocation } from "./log-shards.ts";
import type { LogTable } from "./log-table.ts";

/** BatchWriteItem takes at most 25 items; unprocessed ones are retried this many times. */
const BATCH_WRITE_LIMIT = 25;
const BATCH_WRITE_RETRIES = 4;

/** SQS keeps a message at most 14 days: a batch's record only has to outlive every redelivery. */
const BATCH_RECORD_SECONDS = 14 * 86_400;

/** A log's bodies, gzip-compressed (each once), and whether they go to S3 or stay in the table. */
interface CompressedBodies {
  request?: Buffer;
  response?: Buffer;
  inS3: boolean;
}

/** The item holding a log's gzip-compressed bodies in the table, in its log's shard. */
function bodyItem(
  event: LogEvent,
  bodies: CompressedBodies,
  shards: number,
  expiresAt?: number,
): Record<string, unknown> {
  return {
    pk: writeLocation(event.account_id, event.gateway_id, event.id, shards).bodyPk,
    sk: event.id,
    request_body: bodies.request,
    response_body: bodies.response,
    expires_at: expiresAt,
  };
}

/** The objects holding a log's gzip-compressed bodies in S3. */
function bodyObjects(event: LogEvent, bodies: CompressedBodies): LogBodyObject[] {
  const objects: LogBodyObject[] = [];
  for (const kind of ["request", "response"] as const) {
    const gzip = bodies[kind];
    if (gzip) objects.push({ key: logBodyKey(event.account_id, event.gateway_id, event.id, kind), gzip });
  }
  return objects;
}

/**
 * The log-writer's writes (shared/logs/store-log-event.ts): bodies and log items inserted once however
 * often SQS delivers, a claim per delivery, and the record of the steps applied per log or per batch.
 */
export class LogIngest {
  /**
   * Each log's compressed bodies, from `putBodies` to `insertLogItem` (the same event objects): each body
   * is gzipped once, and the item records the placement its bodies were written to.
   */
  private readonly compressed = new WeakMap<LogEvent, CompressedBodies>();

  /**
   * With `bodies`, a log's bodies are objects in S3 (log-body-objects.ts) when they gzip to `s3MinBytes`
   * or more together, and its item says so; smaller ones, and all without a bucket, are items of the logs
   * table. Below about 16 KB of gzip two PutObjects cost more than the table's write units (docs/cost.md).
   */
  constructor(
    private readonly table: LogTable,
    private readonly bodies?: LogBodyObjects,
    private readonly s3MinBytes: number = DEFAULT_LOG_BODIES_S3_MIN_BYTES,
  ) {}

  /**
   * The partition a log is written to. The log-writer's later steps (claim, applied) find it there: a
   * redelivery is written under the same shard count, the deployment's.
   */
  private logPk(accountId: string, gatewayId: string, id: string): string {
    return writeLocation(accountId, gatewayId, id, this.table.shards).logPk;
  }

  /** The log's bodies compressed and placed, decided once per log from their gzip bytes together. */
  private compressedBodies(event: LogEvent): CompressedBodies {
    const known = this.compressed.get(event);
    if (known) return known;
    const request = event.request_body ? compressedLogBody(event.request_body) : undefined;
    const response = event.response_body ? compressedLogBody(event.response_body) : undefined;
    const gzipBytes = (request?.length ?? 0) + (response?.length ?? 0);
    const kept = request !== undefined || response !== undefined;
    const bodies = {
      request,
      response,
      inS3: kept && this.bodies !== undefined && gzipBytes >= this.s3MinBytes,
    };
    this.compressed.set(event, bodies);
    return bodies;
  }

  /**
   * Stores a log unless it is stored already (SQS delivers at least once): true when this call
   * inserted it. The bodies are written first and unconditionally, so a retry completes a half write.
   */
  async insert(event: LogEvent, expiresAt?: number, claimUntil?: number): Promise<boolean> {
    await this.putBodies([event], expiresAt);
    return this.insertLogItem(event, expiresAt, claimUntil);
  }

  /**
   * Writes the bodies of many logs, unconditionally as `insert` does: the log-writer stores a batch's
   * bodies first, then inserts each log item with `insertLogItem`. A log at the threshold gets one
   * PutObject per body; smaller ones go to the table by BatchWriteItem, 25 items to a call, sending again
   * a few times what DynamoDB leaves unprocessed (throttling); what is still left fails.
   */
  async putBodies(events: LogEvent[], expiresAt?: number): Promise<void> {
    const objects: LogBodyObject[] = [];
    const items: Record<string, unknown>[] = [];
    for (const event of events) {
      const bodies = this.compressedBodies(event);
      if (bodies.inS3) objects.push(...bodyObjects(event, bodies));
      else if (bodies.request || bodies.response)
        items.push(bodyItem(event, bodies, this.table.shards, expiresAt));
    }
    await Promise.all([
      // In S3 an object expires by the bucket's lifecycle rule (the stack's logsTtlDays), not per object.
      objects.length > 0 ? this.bodies?.putAll(objects) : undefined,
      this.putBodyItems(items),
    ]);
  }

  /** Body items into the table, 25 to a BatchWriteItem, sending again what DynamoDB left unprocessed. */
  private async putBodyItems(items: Record<string, unknown>[]): Promise<void> {
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
          const { UnprocessedItems } = await this.table.client.send(
            new BatchWriteCommand({ RequestItems: { [this.table.tableName]: requests } }),
          );
          requests = (UnprocessedItems?.[this.table.tableName] ?? []) as typeof requests;
        }
      }),
    );
  }

  /**
   * The log item `insertLogItem` writes: the event's fields without bodies, in the log's shard. Also what
   * the load simulation sizes and the bulk loads write (test/integration, test/bench/log-listing.ts).
   */
  logItem(
    event: LogEvent,
    expiresAt?: number,
    claimUntil?: number,
    writeBatch?: string,
  ): Record<string, unknown> {
    const { request_body, response_body, account_id, ...fields } = event;
    return {
      pk: this.logPk(account_id, event.gateway_id, event.id),
      sk: event.id,
      ...fields,
      // Where the bodies are: the reader derives their keys from the log's identity (logBodyKey).
      body_store: this.compressedBodies(event).inS3 ? BODIES_IN_S3 : undefined,
      request_head_complete: request_body ? request_body.complete : null,
      response_head_complete: response_body ? response_body.complete : null,
      expires_at: expiresAt,
      claimed_until: claimUntil,
      write_batch: writeBatch,
    };
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
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: this.logItem(event, expiresAt, claimUntil, writeBatch),
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
    const { Item } = await this.table.client.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: { pk: this.logPk(accountId, gatewayId, id), sk: id },
        ProjectionExpression: "applied, sk, write_batch",
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const applied = new Set((Item.applied as Set<string> | undefined) ?? []);
    if (typeof Item.write_batch === "string") {
      const batch = await this.table.client.send(
        new GetCommand({
          TableName: this.table.tableName,
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
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          pk: batchPartition(accountId, gatewayId),
          sk: writeBatch,
          applied: new Set(steps),
          expires_at: Math.floor(this.table.now() / 1000) + BATCH_RECORD_SECONDS,
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
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: { pk: this.logPk(accountId, gatewayId, id), sk: id },
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
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: { pk: this.logPk(accountId, gatewayId, id), sk: id },
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
}
