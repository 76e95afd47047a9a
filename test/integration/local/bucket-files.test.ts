import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { type EmulatorEndpoints, startEmulators } from "../../../infra/local/emulators.ts";

let dataDir: string | null = null;
const running: EmulatorEndpoints[] = [];

afterEach(async () => {
  for (const emulators of running.splice(0)) await emulators.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = null;
});

async function start(directory: string | null): Promise<{ emulators: EmulatorEndpoints; s3: S3Client }> {
  const emulators = await startEmulators(directory);
  running.push(emulators);
  const s3 = new S3Client({
    endpoint: emulators.s3,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  return { emulators, s3 };
}

async function keys(s3: S3Client, bucket: string): Promise<string[]> {
  const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return Contents.map((object) => object.Key ?? "").sort();
}

describe("the embedded S3 emulator (fauxqs) with a data dir (bucket-files.ts)", () => {
  it("keeps its buckets and objects, byte for byte, when its process starts again, and forgets deleted ones", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "aig-s3-"));
    const bytes = Buffer.from([0x1f, 0x8b, 0x00, 0xff, 0x10, 0x80]);
    const first = await start(dataDir);
    await first.s3.send(new CreateBucketCommand({ Bucket: "bodies" }));
    for (const key of ["a/b/c/request.gz", "a/b/c/response.gz", "a/b/d/request.gz"])
      await first.s3.send(
        new PutObjectCommand({ Bucket: "bodies", Key: key, Body: bytes, ContentType: "application/gzip" }),
      );
    await first.s3.send(
      new DeleteObjectsCommand({ Bucket: "bodies", Delete: { Objects: [{ Key: "a/b/d/request.gz" }] } }),
    );
    first.s3.destroy();
    await first.emulators.stop();
    running.splice(0);

    const second = await start(dataDir);
    expect(await keys(second.s3, "bodies")).toEqual(["a/b/c/request.gz", "a/b/c/response.gz"]);
    const { Body, ContentType } = await second.s3.send(
      new GetObjectCommand({ Bucket: "bodies", Key: "a/b/c/response.gz" }),
    );
    expect(Buffer.from((await Body?.transformToByteArray()) ?? []).equals(bytes)).toBe(true);
    expect(ContentType).toBe("application/gzip");
    second.s3.destroy();
  });
});
