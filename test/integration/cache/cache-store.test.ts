import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CachedResponse } from "../../../shared/cache/cache-entry.ts";
import { CACHE_PART_BYTES, CacheStore } from "../../../shared/store/cache-store.ts";
import { queryAllPages } from "../../../shared/store/query-all-pages.ts";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";

let dynamo: RunningDynamo;
let table: string;
let now = Date.parse("2026-11-25T12:00:00Z");
const clock = () => now;

beforeAll(async () => {
  dynamo = await startDynamo("dynamodb-local");
  table = await dynamo.createTable("state");
});

afterAll(async () => {
  await dynamo?.stop();
});

const text = (value: string) => new TextEncoder().encode(value);

const response = (chunks: Uint8Array[]): CachedResponse => ({
  status: 200,
  headers: [["content-type", "text/event-stream"]],
  chunks,
});

async function itemsOf(key: string) {
  return queryAllPages(dynamo.documentClient, {
    TableName: table,
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": `CACHE#${key}` },
  });
}

describe("CacheStore on DynamoDB Local", () => {
  it("stores a small entry in one item and gives back its chunks with their boundaries", async () => {
    const store = new CacheStore(dynamo.documentClient, table, clock);
    const chunks = [text("data: one\n\n"), text("data: two\n\n"), text("data: [DONE]\n\n")];
    expect(await store.put("small", response(chunks), 60)).toBe(true);

    const found = await store.get("small");
    expect(found?.status).toBe(200);
    expect(found?.headers).toEqual([["content-type", "text/event-stream"]]);
    expect(found?.chunks.map((chunk) => new TextDecoder().decode(chunk))).toEqual([
      "data: one\n\n",
      "data: two\n\n",
      "data: [DONE]\n\n",
    ]);
    const items = await itemsOf("small");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ sk: "HEAD", expires_at: Math.ceil((now + 60_000) / 1000) });
  });

  it("misses an unknown key", async () => {
    expect(await new CacheStore(dynamo.documentClient, table, clock).get("unknown")).toBeNull();
  });

  it("misses an entry whose TTL has passed, though DynamoDB has not deleted it yet", async () => {
    const store = new CacheStore(dynamo.documentClient, table, clock);
    await store.put("expiring", response([text("x")]), 60);
    now += 59_000;
    expect(await store.get("expiring")).not.toBeNull();
    now += 1_000;
    expect(await store.get("expiring")).toBeNull();
    expect(await itemsOf("expiring")).toHaveLength(1);
  });

  it("splits an entry larger than one item into parts under the same partition, head last", async () => {
    const store = new CacheStore(dynamo.documentClient, table, clock);
    // Random bytes do not compress: 1.5 MB stays over four 350 KB parts.
    const chunks = Array.from({ length: 6 }, () => new Uint8Array(randomBytes(256 * 1024)));
    expect(await store.put("large", response(chunks), 300)).toBe(true);

    const items = await itemsOf("large");
    const parts = items.filter((item) => String(item.sk).startsWith("PART#"));
    const head = items.find((item) => item.sk === "HEAD");
    expect(parts.length).toBeGreaterThanOrEqual(5);
    expect(head).toMatchObject({ parts: parts.length });
    expect(head?.data).toBeUndefined();
    for (const part of parts)
      expect((part.data as Uint8Array).byteLength).toBeLessThanOrEqual(CACHE_PART_BYTES);

    const found = await store.get("large");
    expect(found?.chunks).toHaveLength(6);
    expect(found?.chunks.map((chunk) => chunk.byteLength)).toEqual(chunks.map((chunk) => chunk.byteLength));
    // Buffer.equals, not toEqual: a deep comparison of megabytes byte by byte takes seconds.
    expect(Buffer.concat(found?.chunks ?? []).equals(Buffer.concat(chunks))).toBe(true);
  });

  it("replaces a large entry whole when it is stored again (the head names its own parts)", async () => {
    const store = new CacheStore(dynamo.documentClient, table, clock);
    const second = Array.from({ length: 3 }, () => new Uint8Array(randomBytes(300 * 1024)));
    await store.put("large", response(second), 300);
    expect(Buffer.concat((await store.get("large"))?.chunks ?? []).equals(Buffer.concat(second))).toBe(true);
  });

  it("does not store an entry over 25 MB", async () => {
    const store = new CacheStore(dynamo.documentClient, table, clock);
    const huge = [new Uint8Array(25 * 1024 * 1024 + 1)];
    expect(await store.put("huge", response(huge), 60)).toBe(false);
    expect(await itemsOf("huge")).toHaveLength(0);
  });
});
