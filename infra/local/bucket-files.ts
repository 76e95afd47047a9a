import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FauxqsStores } from "./queue-journal.ts";

type S3Store = FauxqsStores["s3Store"];

/** What a `.json` file beside an object's bytes holds: enough to put the object back. */
interface ObjectHeader {
  key: string;
  contentType: string;
  metadata: Record<string, string>;
}

/**
 * What fauxqs's S3 holds only in memory (fauxqs 1.9 README: no persistence), kept as files under `dir`:
 * a directory per bucket, and per object its bytes and a small header, named by the SHA-256 of its key
 * (any key, of any length, makes a valid file name). The log bodies `npm start` stores (log-body-objects.ts)
 * outlive a restart or a crash of the emulators, as dynalite's tables do. Each change is written (then
 * renamed into place) before fauxqs answers the call that made it. Multipart uploads are not kept: the
 * gateway never makes one.
 */
export class BucketFiles {
  constructor(private readonly dir: string) {}

  /** Fills `store` (empty, not yet serving) with the buckets and objects on disk, then keeps every change. */
  restoreInto(store: S3Store): void {
    mkdirSync(this.dir, { recursive: true });
    for (const bucket of readdirSync(this.dir)) {
      store.createBucket(bucket);
      for (const file of readdirSync(join(this.dir, bucket))) {
        if (!file.endsWith(".json")) continue;
        const path = join(this.dir, bucket, file);
        const bytes = path.slice(0, -".json".length);
        if (!existsSync(bytes)) continue;
        const header = JSON.parse(readFileSync(path, "utf8")) as ObjectHeader;
        store.putObject(bucket, header.key, readFileSync(bytes), header.contentType, header.metadata);
      }
    }
    this.watch(store);
  }

  private watch(store: S3Store): void {
    const createBucket = store.createBucket.bind(store);
    store.createBucket = (name) => {
      createBucket(name);
      mkdirSync(join(this.dir, name), { recursive: true });
    };
    const deleteBucket = store.deleteBucket.bind(store);
    store.deleteBucket = (name) => {
      deleteBucket(name);
      rmSync(join(this.dir, name), { recursive: true, force: true });
    };
    const putObject = store.putObject.bind(store);
    store.putObject = (bucket, key, body, contentType, metadata) => {
      const object = putObject(bucket, key, body, contentType, metadata);
      this.write(bucket, object);
      return object;
    };
    const deleteObject = store.deleteObject.bind(store);
    store.deleteObject = (bucket, key) => {
      deleteObject(bucket, key);
      this.remove(bucket, key);
    };
    const deleteObjects = store.deleteObjects.bind(store);
    store.deleteObjects = (bucket, keys) => {
      const deleted = deleteObjects(bucket, keys);
      for (const key of deleted) this.remove(bucket, key);
      return deleted;
    };
  }

  private write(
    bucket: string,
    object: { key: string; body: Buffer; contentType: string; metadata: Record<string, string> },
  ): void {
    const path = this.objectPath(bucket, object.key);
    // The bytes first: a header is only ever beside the whole object it describes.
    writeFileSync(`${path}.next`, object.body);
    renameSync(`${path}.next`, path);
    const header: ObjectHeader = {
      key: object.key,
      contentType: object.contentType,
      metadata: object.metadata,
    };
    writeFileSync(`${path}.json.next`, JSON.stringify(header));
    renameSync(`${path}.json.next`, `${path}.json`);
  }

  private remove(bucket: string, key: string): void {
    const path = this.objectPath(bucket, key);
    // The header first: bytes without one are skipped at restore.
    rmSync(`${path}.json`, { force: true });
    rmSync(path, { force: true });
  }

  private objectPath(bucket: string, key: string): string {
    return join(this.dir, bucket, createHash("sha256").update(key).digest("hex"));
  }
}
