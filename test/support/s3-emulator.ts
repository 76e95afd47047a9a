import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  S3Client,
} from "@aws-sdk/client-s3";
import { buildApp } from "fauxqs";

export interface RunningS3 {
  client: S3Client;
  endpoint: string;
  createBucket(name: string): Promise<string>;
  /** An object's bytes, or undefined when there is none. */
  objectBytes(bucket: string, key: string): Promise<Uint8Array | undefined>;
  keys(bucket: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** A real S3 emulator (fauxqs, which serves S3 beside SQS) on 127.0.0.1 for one test file, path-style. */
export async function startS3(): Promise<RunningS3> {
  const app = buildApp({ logger: false });
  const endpoint = await app.listen({ port: 0, host: "127.0.0.1" });
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  return {
    client,
    endpoint,
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    async objectBytes(bucket, key) {
      try {
        const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return Body ? await Body.transformToByteArray() : undefined;
      } catch (error) {
        if (error instanceof NoSuchKey) return undefined;
        throw error;
      }
    },
    async keys(bucket) {
      const { Contents = [] } = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      return Contents.map((object) => object.Key ?? "");
    },
    async stop() {
      client.destroy();
      await app.close();
    },
  };
}
