import { gzipSync } from "node:zlib";
import { BatchWriteCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogQuery } from "../../../shared/logs/log-query.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import { bodyPartition, logPartition } from "../../../shared/store/log-keys.ts";
import { listingPartitions, writeLocation } from "../../../shared/store/log-shards.ts";
import { LogStore } from "../../../shared/store/log-store.ts";
import { type EmulatorName, type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { logEvent } from "../logs/log-fixtures.ts";

const BASE = Date.parse("2026-12-01T00:00:00.000Z");
const byTime = (direction: "asc" | "desc"): LogQuery => ({ filters: [], orderBy: "created_at", direction });

/** Logs with UUIDv7 ids of their own times, `spacingMs` apart, for gateway `gatewayId`. */
function eventsOver(gatewayId: string, count: number, spacingMs = 1_000, start = BASE): LogEvent[] {
  return Array.from({ length: count }, (_, index) => {
    const at = start + index * spacingMs;
    return {
      ...logEvent({ gateway_id: gatewayId, created_at: new Date(at).toISOString() }),
      id: uuidv7({ msecs: at }),
    };
  });
}

/** The items the store writes, put 25 to a BatchWriteItem, several calls at a time: a bulk load. */
async function bulkWrite(dynamo: RunningDynamo, table: string, items: Record<string, unknown>[]) {
  const chunks: Record<string, unknown>[][] = [];
  for (let index = 0; index < items.length; index += 25) chunks.push(items.slice(index, index + 25));
  const write = async (chunk: Record<string, unknown>[]) => {
    let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const { UnprocessedItems } = await dynamo.documentClient.send(
        new BatchWriteCommand({ RequestItems: { [table]: requests } }),
      );
      requests = (UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  };
  for (let index = 0; index < chunks.length; index += 8)
    await Promise.all(chunks.slice(index, index + 8).map(write));
}

/** Every page of a cursor listing, concatenated, with the number of pages it took. */
async function walk(store: LogStore, gatewayId: string, direction: "asc" | "desc", limit: number) {
  const ids: string[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await store.listAfter("acct", gatewayId, { filters: [], direction }, { after, limit });
    ids.push(...page.records.map((record) => record.id));
    after = page.next;
    pages += 1;
  } while (after !== undefined);
  return { ids, pages };
}

describe("LogStore write shards on dynamodb-local: 20,000 logs", () => {
  let dynamo: RunningDynamo;
  let store: LogStore;
  let table: string;
  const events = eventsOver("busy", 20_000, 37);
  const ascending = events.map((event) => event.id).sort();

  beforeAll(async () => {
    dynamo = await startDynamo("dynamodb-local");
    table = await dynamo.createTable("logs");
    store = new LogStore(dynamo.documentClient, table, () => BASE, undefined, undefined, 8);
    await bulkWrite(
      dynamo,
      table,
      events.map((event) => store.logItem(event)),
    );
  }, 300_000);

  afterAll(async () => {
    await dynamo?.stop();
  });

  it("spreads the logs over the 8 shards, none in the unsharded partition", async () => {
    const counts: number[] = [];
    for (const pk of listingPartitions("acct", "busy", 8)) {
      let count = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await dynamo.documentClient.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": pk },
            Select: "COUNT",
            ExclusiveStartKey: startKey,
          }),
        );
        count += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      counts.push(count);
    }
    const [unsharded, ...shards] = counts;
    expect(unsharded).toBe(0);
    expect(shards.reduce((sum, count) => sum + count, 0)).toBe(20_000);
    // 2,500 each on average; FNV-1a over the ids keeps every shard within 10% of it.
    for (const count of shards) expect(Math.abs(count - 2_500)).toBeLessThan(250);
  });

  it("pages through every log newest first with the cursor, in order, none missing, none twice", async () => {
    const { ids, pages } = await walk(store, "busy", "desc", 100);
    expect(pages).toBe(200);
    expect(ids).toEqual([...ascending].reverse());
  }, 300_000);

  it("pages through every log oldest first with the cursor, in order, none missing, none twice", async () => {
    const { ids } = await walk(store, "busy", "asc", 100);
    expect(ids).toEqual(ascending);
  }, 300_000);

  it("answers a page by number from the merged shards, as the logs API asks for it", async () => {
    const page = await store.list(
      "acct",
      "busy",
      byTime("desc"),
      { page: 7, perPage: 50 },
      { countAll: false },
    );
    expect(page.records.map((record) => record.id)).toEqual([...ascending].reverse().slice(300, 350));
    expect(page.totalCount).toBeUndefined();
  });

  it("keeps a time range working across shards: the logs of one minute, in order", async () => {
    const from = BASE + 60_000;
    const to = BASE + 120_000;
    const query: LogQuery = {
      ...byTime("asc"),
      filters: [
        { key: "created_at", operator: "gt", value: [from] },
        { key: "created_at", operator: "lt", value: [to] },
      ],
    };
    const expected = events
      .filter((event) => Date.parse(event.created_at) > from && Date.parse(event.created_at) < to)
      .map((event) => event.id);
    const { ids } = await (async () => {
      const found: string[] = [];
      let after: string | undefined;
      do {
        const page = await store.listAfter("acct", "busy", query, { after, limit: 30 });
        found.push(...page.records.map((record) => record.id));
        after = page.next;
      } while (after);
      return { ids: found };
    })();
    expect(ids).toEqual(expected);
    expect(await store.selectIds("acct", "busy", query, 10_000)).toEqual(expected);
  });

  it("finds the oldest logs across shards for retention", async () => {
    expect(await store.oldestIds("acct", "busy", 75)).toEqual(ascending.slice(0, 75));
  });
});

describe.each<EmulatorName>(["dynamodb-local", "dynalite"])("LogStore layouts on %s", (emulator) => {
  let dynamo: RunningDynamo;
  let table: string;

  beforeAll(async () => {
    dynamo = await startDynamo(emulator);
    table = await dynamo.createTable("logs");
  });

  afterAll(async () => {
    await dynamo?.stop();
  });

  it("reads, edits and deletes logs stored before shards (one partition, body items beside it) with the new ones", async () => {
    const before = new LogStore(dynamo.documentClient, table, Date.now, undefined, undefined, 1);
    const after = new LogStore(dynamo.documentClient, table, Date.now, undefined, undefined, 8);
    const old = eventsOver("upgraded", 30, 1_000).map((event) => ({
      ...event,
      request_body: { base64: Buffer.from(`{"old":"${event.id}"}`).toString("base64"), complete: true },
    }));
    const recent = eventsOver("upgraded", 30, 1_000, BASE + 60_000);
    for (const event of old) await before.put(event);
    for (const event of recent) await after.put(event);
    // The layout before shards: the log in "{account}#{gateway}", its bodies in "...#bodies".
    const oldest = old[0] as LogEvent;
    expect(writeLocation("acct", "upgraded", oldest.id, 1)).toEqual({
      logPk: logPartition("acct", "upgraded"),
      bodyPk: bodyPartition("acct", "upgraded"),
    });

    const all = [...old, ...recent].map((event) => event.id);
    const listed = await after.list("acct", "upgraded", byTime("desc"), { page: 1, perPage: 50 });
    expect(listed.totalCount).toBe(60);
    const { ids } = await walk(after, "upgraded", "asc", 7);
    expect(ids).toEqual(all);

    expect((await after.get("acct", "upgraded", oldest.id))?.id).toBe(oldest.id);
    expect(await after.getBody("acct", "upgraded", oldest.id, "request")).toBe(`{"old":"${oldest.id}"}`);
    expect((await after.update("acct", "upgraded", oldest.id, { feedback: 1 }))?.feedback).toBe(1);
    expect(await after.deleteLogs("acct", "upgraded", [oldest.id, recent[0]?.id ?? ""])).toBe(2);
    expect(await after.get("acct", "upgraded", oldest.id)).toBeUndefined();
    expect(await after.getBody("acct", "upgraded", oldest.id, "request")).toBeUndefined();
    expect(await after.oldestIds("acct", "upgraded", 2)).toEqual(all.slice(1, 3));
  });

  it("still finds every log after the shard count is raised (2 to 8)", async () => {
    const two = new LogStore(dynamo.documentClient, table, Date.now, undefined, undefined, 2);
    const eight = new LogStore(dynamo.documentClient, table, Date.now, undefined, undefined, 8);
    const events = eventsOver("raised", 40, 500);
    for (const event of events.slice(0, 20)) await two.put(event);
    for (const event of events.slice(20)) await eight.put(event);
    const { ids } = await walk(eight, "raised", "desc", 9);
    expect(ids).toEqual(events.map((event) => event.id).reverse());
    for (const event of events) expect((await eight.get("acct", "raised", event.id))?.id).toBe(event.id);
    expect(
      await eight.deleteLogs(
        "acct",
        "raised",
        events.map((event) => event.id),
      ),
    ).toBe(40);
  });

  it("gives a log written again in another layout once (a redelivery across the upgrade)", async () => {
    const [event] = eventsOver("twice", 1);
    if (!event) throw new Error("no event");
    const { account_id, request_body, response_body, ...fields } = event;
    await dynamo.documentClient.send(
      new PutCommand({
        TableName: table,
        Item: { pk: logPartition("acct", "twice"), sk: event.id, ...fields, request_body: gzipSync("{}") },
      }),
    );
    const store = new LogStore(dynamo.documentClient, table, Date.now, undefined, undefined, 8);
    await store.put(event);
    const { ids } = await walk(store, "twice", "desc", 10);
    expect(ids).toEqual([event.id]);
  });

  it("answers an empty page, not an error, for a cursor beyond the time range", async () => {
    const store = new LogStore(dynamo.documentClient, table, Date.now, undefined, undefined, 8);
    const events = eventsOver("ranged", 3, 1_000, BASE + 3_600_000);
    for (const event of events) await store.put(event);
    const since = { key: "created_at" as const, operator: "gt" as const, value: [BASE + 3_600_000 - 1] };
    const older = uuidv7({ msecs: BASE });
    const page = await store.listAfter(
      "acct",
      "ranged",
      { filters: [since], direction: "desc" },
      { after: older, limit: 10 },
    );
    expect(page).toEqual({ records: [], next: undefined });
  });

  it("refuses a shard count that is not a power of two up to 64", () => {
    for (const shards of [0, 3, 12, 128])
      expect(
        () => new LogStore(dynamo.documentClient, table, Date.now, undefined, undefined, shards),
      ).toThrow(/LOG_SHARDS must be a power of two/);
  });
});
