import {
  DeleteObjectsCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { BodyKind } from "./log-items.ts";
import { createS3Client } from "./s3-client.ts";

/** DeleteObjects takes at most 1,000 keys a call (S3 API reference). */
const DELETE_OBJECTS_LIMIT = 1000;
/** PutObject calls in flight at once while the log-writer stores a batch's bodies. */
const PUT_CONCURRENCY = 16;

/**
 * The object holding one gzip-compressed body of a log: `bodies/{account}/{gateway}/{log id}/{kind}.gz`.
 * Derived from the log's identity alone, so a delete needs no read first and a redelivered log overwrites
 * the same object. Each segment is URI-encoded so no id can add a level to the key.
 */
export function logBodyKey(accountId: string, gatewayId: string, id: string, kind: BodyKind): string {
  return `bodies/${encodeURIComponent(accountId)}/${encodeURIComponent(gatewayId)}/${encodeURIComponent(id)}/${kind}.gz`;
}

/** One body to store: its key and its gzip bytes, as the logs table kept them before. */
export interface LogBodyObject {
  key: string;
  gzip: Uint8Array;
}

/**
 * Log bodies as objects in the stack's bucket (LOG_BODIES_BUCKET): S3 charges for the bytes an order of
 * magnitude less than DynamoDB's write units and storage (docs/cost.md), and a body never counts against
 * a partition's write throughput. The log-writer puts and deletes them; the api Lambda reads and deletes.
 */
export class LogBodyObjects {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  /** Writes the objects, overwriting any left by an earlier delivery of the same log. */
  async putAll(objects: readonly LogBodyObject[]): Promise<void> {
    for (let index = 0; index < objects.length; index += PUT_CONCURRENCY) {
      await Promise.all(
        objects.slice(index, index + PUT_CONCURRENCY).map((object) =>
          this.client.send(
            new PutObjectCommand({
              Bucket: this.bucket,
              Key: object.key,
              Body: object.gzip,
              ContentType: "application/gzip",
            }),
          ),
        ),
      );
    }
  }

  /** The object's bytes, or undefined when there is none (never written, or deleted). */
  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Body ? await Body.transformToByteArray() : undefined;
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  /** Deletes the objects (a key with no object is no error); throws if S3 could not delete some. */
  async deleteAll(keys: readonly string[]): Promise<void> {
    for (let index = 0; index < keys.length; index += DELETE_OBJECTS_LIMIT) {
      const chunk = keys.slice(index, index + DELETE_OBJECTS_LIMIT);
      const { Errors } = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      if (Errors && Errors.length > 0) {
        const first = Errors[0];
        throw new Error(`${Errors.length} log body objects not deleted (${first?.Code}: ${first?.Key})`);
      }
    }
  }
}

/** The bodies' bucket from the environment (LOG_BODIES_BUCKET), or undefined to keep them in the table. */
export function logBodyObjects(bucket: string | undefined): LogBodyObjects | undefined {
  return bucket ? new LogBodyObjects(createS3Client(), bucket) : undefined;
}
