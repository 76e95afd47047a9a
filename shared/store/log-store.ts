import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { LogEvent } from "../schemas/log-event.ts";

const gunzipAsync = promisify(gunzip);

/** A stored log as the logs API returns it: every field of the event except the bodies. */
export type LogRecord = Omit<LogEvent, "request_body" | "response_body" | "account_id"> & {
  request_head_complete: boolean | null;
  response_head_complete: boolean | null;
};

export type BodyKind = "request" | "response";

const partitionKey = (accountId: string, gatewayId: string) => `${accountId}#${gatewayId}`;

/** Attributes that hold bodies or keys; everything else in an item is a field of the log record. */
const NON_RECORD_ATTRIBUTES = ["pk", "sk", "account_id", "request_body", "response_body"];

function toRecord(item: Record<string, unknown>): LogRecord {
  const record = { ...item };
  for (const attribute of NON_RECORD_ATTRIBUTES) delete record[attribute];
  return record as LogRecord;
}

/**
 * Logs in the logs table, one item per request: pk "{account}#{gateway}", sk the UUIDv7 log id, so a
 * query in reverse sort-key order lists the newest first. Bodies are stored gzip-compressed as binary
 * attributes and read only by the body endpoints. A log is written with a plain Put keyed by its id, so
 * a message SQS delivers twice is stored once.
 */
export class LogStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(event: LogEvent): Promise<void> {
    const { request_body, response_body, ...fields } = event;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: partitionKey(event.account_id, event.gateway_id),
          sk: event.id,
          ...fields,
          request_body: request_body ? Buffer.from(request_body.gzip_base64, "base64") : undefined,
          response_body: response_body ? Buffer.from(response_body.gzip_base64, "base64") : undefined,
          request_head_complete: request_body ? request_body.complete : null,
          response_head_complete: response_body ? response_body.complete : null,
        },
      }),
    );
  }

  async get(accountId: string, gatewayId: string, id: string): Promise<LogRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: partitionKey(accountId, gatewayId), sk: id } }),
    );
    return Item ? toRecord(Item) : undefined;
  }

  /** The body as text, or null when the log kept none. */
  async getBody(
    accountId: string,
    gatewayId: string,
    id: string,
    kind: BodyKind,
  ): Promise<string | null | undefined> {
    const attribute = `${kind}_body`;
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: partitionKey(accountId, gatewayId), sk: id },
        ProjectionExpression: "#body, sk",
        ExpressionAttributeNames: { "#body": attribute },
      }),
    );
    if (!Item) return undefined;
    const compressed = Item[attribute] as Uint8Array | undefined;
    return compressed ? (await gunzipAsync(compressed)).toString("utf8") : null;
  }

  /** One page of a gateway's logs, newest first by default, without bodies; and how many there are. */
  async list(
    accountId: string,
    gatewayId: string,
    page: { page: number; perPage: number; direction: "asc" | "desc" },
  ): Promise<{ records: LogRecord[]; totalCount: number }> {
    const pk = partitionKey(accountId, gatewayId);
    const wanted = page.page * page.perPage;
    const items: Record<string, unknown>[] = [];
    let totalCount = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": pk },
          ScanIndexForward: page.direction === "asc",
          ExclusiveStartKey: startKey,
          // Bodies are large and not part of a listing: leave them on the server.
          ProjectionExpression:
            "#id, created_at, provider, model, #path, #method, status_code, success, cached, #duration, time_to_first_byte, tokens_in, tokens_out, cache_read_tokens, cache_write_tokens, metadata, event_id, request_id, request_content_type, response_content_type, request_size, response_size, user_agent, client_aborted, #error, gateway_id, request_head_complete, response_head_complete",
          ExpressionAttributeNames: {
            "#id": "id",
            "#path": "path",
            "#method": "method",
            "#duration": "duration",
            "#error": "error",
          },
        }),
      );
      for (const item of result.Items ?? []) {
        totalCount += 1;
        if (items.length < wanted) items.push(item);
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    const start = (page.page - 1) * page.perPage;
    return { records: items.slice(start, start + page.perPage).map(toRecord), totalCount };
  }
}
