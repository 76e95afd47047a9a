import { randomUUID } from "node:crypto";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type CachedResponse, decodeCachedResponse, encodeCachedResponse } from "../cache/cache-entry.ts";
import { queryAllPages } from "./query-all-pages.ts";

/** A compressed entry up to this size lives in its head item; DynamoDB's item limit is 400 KB. */
export const CACHE_PART_BYTES = 350 * 1024;
/** Reference 9 caps cacheable requests at 25 MB; responses larger than that are not stored either. */
export const MAX_CACHE_ENTRY_BYTES = 25 * 1024 * 1024;
/** Parts written at once: enough to be quick, few enough not to burst a table's write capacity. */
const PART_WRITE_CONCURRENCY = 4;

const partition = (key: string) => `CACHE#${key}`;
const HEAD = "HEAD";
const partSortKey = (version: string, index: number) => `PART#${version}#${String(index).padStart(5, "0")}`;

/**
 * Response cache entries in the state table (docs/caching.md). pk "CACHE#{key}", one head item
 * (sk "HEAD") with the gzipped entry inline when it fits, else the entry split into 350 KB part items
 * (sk "PART#{version}#{index}") under the same partition, written before the head that names them:
 * a reader that finds a head always finds its parts. Each write uses a fresh version, so two instances
 * storing the same key at once never mix their parts; the head that lands last wins whole.
 * Every item carries `expires_at` for DynamoDB's TTL; expiry is also checked on read (`expires_at_ms`),
 * because TTL deletion lags by up to days.
 */
export class CacheStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string): Promise<CachedResponse | null> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: partition(key), sk: HEAD },
        ConsistentRead: true,
      }),
    );
    if (!Item || Number(Item.expires_at_ms) <= this.now()) return null;
    if (Item.data instanceof Uint8Array) return decodeCachedResponse(Item.data);
    const version = String(Item.version);
    const parts = await queryAllPages(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": partition(key), ":prefix": `PART#${version}#` },
      ConsistentRead: true,
    });
    // Parts are written before their head, so a short list means they already expired: a miss.
    if (parts.length !== Number(Item.parts)) return null;
    return decodeCachedResponse(Buffer.concat(parts.map((part) => part.data as Uint8Array)));
  }

  /** Stores an entry for `ttlSeconds`; false when it is over 25 MB and was not stored. */
  async put(key: string, response: CachedResponse, ttlSeconds: number): Promise<boolean> {
    const bodyBytes = response.chunks.reduce((total, chunk) => total + chunk.byteLength, 0);
    if (bodyBytes > MAX_CACHE_ENTRY_BYTES) return false;
    const blob = await encodeCachedResponse(response);
    const storedAt = this.now();
    const expiresAtMs = storedAt + ttlSeconds * 1000;
    const expiry = { expires_at_ms: expiresAtMs, expires_at: Math.ceil(expiresAtMs / 1000) };
    const head = { pk: partition(key), sk: HEAD, stored_at: storedAt, ...expiry };
    if (blob.byteLength <= CACHE_PART_BYTES) {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...head, data: blob } }));
      return true;
    }
    const version = randomUUID();
    const parts: Uint8Array[] = [];
    for (let offset = 0; offset < blob.byteLength; offset += CACHE_PART_BYTES) {
      parts.push(blob.subarray(offset, offset + CACHE_PART_BYTES));
    }
    for (let start = 0; start < parts.length; start += PART_WRITE_CONCURRENCY) {
      await Promise.all(
        parts.slice(start, start + PART_WRITE_CONCURRENCY).map((data, offset) =>
          this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { pk: partition(key), sk: partSortKey(version, start + offset), data, ...expiry },
            }),
          ),
        ),
      );
    }
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { ...head, version, parts: parts.length } }),
    );
    return true;
  }
}
