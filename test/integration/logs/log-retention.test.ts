import { gzipSync } from "node:zlib";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogQuery } from "../../../shared/logs/log-query.ts";
import { enforceLogLimit } from "../../../shared/logs/log-retention.ts";
import { writeLogBatch } from "../../../shared/logs/write-log-batch.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import { AnalyticsStore, bucketStart } from "../../../shared/store/analytics-store.ts";
import { DEFAULT_LOG_SHARDS, writeLocation } from "../../../shared/store/log-shards.ts";
import { LogStore } from "../../../shared/store/log-store.ts";
import { type EmulatorName, type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { logEvent, message, writerDependencies } from "./log-fixtures.ts";

/** The partition the log-writer puts a log of account "acct" in (its shard). */
const logPk = (gatewayId: string, id: string) =>
  writeLocation("acct", gatewayId, id, DEFAULT_LOG_SHARDS).logPk;

const NEWEST_FIRST: LogQuery = { filters: [], orderBy: "created_at", direction: "desc" };
const BASE = Date.parse("2026-11-25T10:00:00.000Z");

/** The real store, counting its UpdateItem calls. */
class CountingAnalytics extends AnalyticsStore {
  calls = 0;
  override async add(...args: Parameters<AnalyticsStore["add"]>): Promise<void> {
    this.calls += 1;
    return super.add(...args);
  }
}

describe.each<EmulatorName>(["dynamodb-local", "dynalite"])(
  "the log-writer's retention and idempotency on %s",
  (emulator) => {
    let dynamo: RunningDynamo;
    let table: string;

    beforeAll(async () => {
      dynamo = await startDynamo(emulator);
      table = await dynamo.createTable("logs");
    });

    afterAll(async () => {
      await dynamo.stop();
    });

    const eventsFor = (gatewayId: string, count: number): LogEvent[] =>
      Array.from({ length: count }, (_, index) => logEvent({ gateway_id: gatewayId }, BASE + index * 1000));

    async function hourRequests(gatewayId: string): Promise<number> {
      const analytics = new AnalyticsStore(dynamo.documentClient, table);
      const hour = bucketStart(BASE, "hour");
      const buckets = await analytics.query("acct", gatewayId, "hour", hour, hour);
      return buckets.reduce((sum, bucket) => sum + Number(bucket.figures.requests ?? 0), 0);
    }

    it("STOP_INSERTING: stores up to the limit, then drops new logs, counts them and says so", async () => {
      const deps = writerDependencies(dynamo.documentClient, table, {
        retention: { stop: { limit: 5, strategy: "STOP_INSERTING" } },
      });
      const events = eventsFor("stop", 8);
      for (const event of events) expect(await writeLogBatch([message(event)], deps)).toEqual([]);

      const stored = await deps.logs.list("acct", "stop", NEWEST_FIRST, { page: 1, perPage: 50 });
      expect(stored.records.map((record) => record.id)).toEqual(
        events
          .slice(0, 5)
          .map((e) => e.id)
          .reverse(),
      );
      expect(await deps.counters.read("acct", "stop")).toEqual({ stored: 5, dropped: 3 });
      const warnings = deps.logger.lines.filter(
        (line) => line.message === "log dropped: gateway log limit reached",
      );
      expect(warnings.map((line) => line.attributes.log_id)).toEqual(events.slice(5).map((e) => e.id));
      expect(warnings[0]?.attributes).toMatchObject({ gateway_id: "stop", log_management: 5 });
      // Analytics describe traffic, not storage: dropped logs still count.
      expect(await hourRequests("stop")).toBe(8);

      // Redelivered, a dropped log stays dropped and counts nowhere twice; a stored one is not re-counted.
      expect(
        await writeLogBatch([message(events[6] as LogEvent), message(events[1] as LogEvent)], deps),
      ).toEqual([]);
      expect(await deps.counters.read("acct", "stop")).toEqual({ stored: 5, dropped: 3 });
      expect(await deps.logs.get("acct", "stop", events[6]?.id ?? "")).toBeUndefined();
      expect(await hourRequests("stop")).toBe(8);
    });

    it("DELETE_OLDEST: keeps the newest logs at the limit, deleting the oldest with their bodies", async () => {
      const deps = writerDependencies(dynamo.documentClient, table, {
        retention: { oldest: { limit: 5, strategy: "DELETE_OLDEST" } },
      });
      const events = eventsFor("oldest", 9);
      for (const event of events) expect(await writeLogBatch([message(event)], deps)).toEqual([]);
      const stored = await deps.logs.list("acct", "oldest", NEWEST_FIRST, { page: 1, perPage: 50 });
      expect(stored.records.map((record) => record.id)).toEqual(
        events
          .slice(4)
          .map((e) => e.id)
          .reverse(),
      );
      expect(stored.totalCount).toBe(5);
      expect(await deps.counters.read("acct", "oldest")).toEqual({ stored: 5, dropped: 0 });
      expect(await hourRequests("oldest")).toBe(9);
    });

    it("enforceLogLimit trims a gateway to any limit, querying only the overflow from the old end", async () => {
      const deps = writerDependencies(dynamo.documentClient, table);
      const events = eventsFor("trim", 6);
      expect(
        await writeLogBatch(
          events.map((event) => message(event)),
          deps,
        ),
      ).toEqual([]);
      expect(await enforceLogLimit(deps, "acct", "trim", 2)).toBe(4);
      expect(await enforceLogLimit(deps, "acct", "trim", 2)).toBe(0);
      const stored = await deps.logs.list("acct", "trim", NEWEST_FIRST, { page: 1, perPage: 50 });
      expect(stored.records.map((record) => record.id)).toEqual(
        events
          .slice(4)
          .map((e) => e.id)
          .reverse(),
      );
      expect((await deps.counters.read("acct", "trim")).stored).toBe(2);
    });

    it("counts a log SQS delivers twice, in one batch or in two, once", async () => {
      const deps = writerDependencies(dynamo.documentClient, table);
      const [event] = eventsFor("twice", 1) as [LogEvent];
      expect(await writeLogBatch([message(event, "m1"), message(event, "m2")], deps)).toEqual([]);
      expect(await writeLogBatch([message(event, "m3")], deps)).toEqual([]);
      expect((await deps.counters.read("acct", "twice")).stored).toBe(1);
      expect(await hourRequests("twice")).toBe(1);
    });

    it("shares a batch's counter and bucket updates, and counts a batch delivered twice once", async () => {
      const deps = writerDependencies(dynamo.documentClient, table);
      const body = (text: string) => ({ gzip_base64: gzipSync(text).toString("base64"), complete: true });
      // Two models in one hour, a third log in the next hour: three hour items, two day items.
      const events = [
        logEvent({ gateway_id: "shared", tokens_in: 3, request_body: body("first") }, BASE),
        logEvent({ gateway_id: "shared", tokens_in: 4, success: false }, BASE + 1000),
        logEvent({ gateway_id: "shared", tokens_in: 5, model: "gpt-4o" }, BASE + 2000),
        logEvent({ gateway_id: "shared", tokens_in: 6, response_body: body("last") }, BASE + 3_600_000),
      ];
      const batch = events.map((event) => message(event));
      const counted = new CountingAnalytics(dynamo.documentClient, table);
      expect(await writeLogBatch(batch, { ...deps, analytics: counted })).toEqual([]);
      expect(counted.calls).toBe(5);
      expect(await writeLogBatch(batch, { ...deps, analytics: counted })).toEqual([]);
      expect(counted.calls).toBe(5);

      expect((await deps.counters.read("acct", "shared")).stored).toBe(4);
      const analytics = new AnalyticsStore(dynamo.documentClient, table);
      const hours = await analytics.query(
        "acct",
        "shared",
        "hour",
        bucketStart(BASE, "hour"),
        bucketStart(BASE + 3_600_000, "hour"),
      );
      const figures = (bucket: (typeof hours)[number] | undefined) => [
        bucket?.start,
        bucket?.model,
        bucket?.figures.requests,
        bucket?.figures.errors ?? 0,
        bucket?.figures.tokens_in,
      ];
      expect(hours.map(figures)).toEqual([
        [bucketStart(BASE, "hour"), "gpt-4o", 1, 0, 5],
        [bucketStart(BASE, "hour"), "gpt-4o-mini", 2, 1, 7],
        [bucketStart(BASE + 3_600_000, "hour"), "gpt-4o-mini", 1, 0, 6],
      ]);
      const day = bucketStart(BASE, "day");
      const days = await analytics.query("acct", "shared", "day", day, day);
      expect(days.map((bucket) => [bucket.model, bucket.figures.requests, bucket.figures.tokens_in])).toEqual(
        [
          ["gpt-4o", 1, 5],
          ["gpt-4o-mini", 3, 13],
        ],
      );
      const reader = new LogStore(dynamo.documentClient, table);
      expect(await reader.getBody("acct", "shared", events[0]?.id ?? "", "request")).toBe("first");
      expect(await reader.getBody("acct", "shared", events[3]?.id ?? "", "response")).toBe("last");
    });

    it("records a finished batch once for its logs, or each log when that record cannot be written", async () => {
      class FailingBatchRecord extends LogStore {
        override async markBatchApplied(): Promise<void> {
          throw new Error("ProvisionedThroughputExceededException");
        }
      }
      for (const [gatewayId, logs] of [
        ["recorded", new LogStore(dynamo.documentClient, table)],
        ["unrecorded", new FailingBatchRecord(dynamo.documentClient, table)],
      ] as const) {
        const deps = { ...writerDependencies(dynamo.documentClient, table), logs };
        const events = eventsFor(gatewayId, 3);
        const batch = events.map((event) => message(event));
        expect(await writeLogBatch(batch, deps)).toEqual([]);
        const item = await dynamo.documentClient.send(
          new GetCommand({
            TableName: table,
            Key: { pk: logPk(gatewayId, events[0]?.id ?? ""), sk: events[0]?.id },
          }),
        );
        // With the batch's record, the log item keeps its batch and no steps of its own.
        expect(item.Item?.applied === undefined).toBe(gatewayId === "recorded");
        expect(await writeLogBatch(batch, deps)).toEqual([]);
        expect(await writeLogBatch(batch.slice(1), deps)).toEqual([]);
        expect((await deps.counters.read("acct", gatewayId)).stored).toBe(3);
        expect(await hourRequests(gatewayId)).toBe(3);
        const record = await new LogStore(dynamo.documentClient, table).get(
          "acct",
          gatewayId,
          events[0]?.id ?? "",
        );
        expect(record && Object.keys(record).filter((key) => /claimed|batch|applied/.test(key))).toEqual([]);
      }
    });

    it("fails only the logs a failed shared update covered, and their retry adds them once", async () => {
      const deps = writerDependencies(dynamo.documentClient, table);
      class FailingHourOnce extends AnalyticsStore {
        failed = false;
        override async add(...args: Parameters<AnalyticsStore["add"]>): Promise<void> {
          if (args[2] === "hour" && args[4].model === "gpt-4o" && !this.failed) {
            this.failed = true;
            throw new Error("ProvisionedThroughputExceededException");
          }
          return super.add(...args);
        }
      }
      const flaky = { ...deps, analytics: new FailingHourOnce(dynamo.documentClient, table) };
      const events = [
        logEvent({ gateway_id: "split", model: "gpt-4o" }, BASE),
        logEvent({ gateway_id: "split", model: "gpt-4o" }, BASE + 1000),
        logEvent({ gateway_id: "split" }, BASE + 2000),
      ];
      const batch = events.map((event) => message(event));
      expect(await writeLogBatch(batch, flaky)).toEqual([events[0]?.id, events[1]?.id]);
      expect(await writeLogBatch(batch.slice(0, 2), flaky)).toEqual([]);
      expect(await hourRequests("split")).toBe(3);
      const day = bucketStart(BASE, "day");
      const days = await new AnalyticsStore(dynamo.documentClient, table).query(
        "acct",
        "split",
        "day",
        day,
        day,
      );
      expect(days.map((bucket) => [bucket.model, bucket.figures.requests])).toEqual([
        ["gpt-4o", 2],
        ["gpt-4o-mini", 1],
      ]);
      expect((await deps.counters.read("acct", "split")).stored).toBe(3);
    });

    it("applies each aggregate exactly once when a retry follows a partial failure", async () => {
      const deps = writerDependencies(dynamo.documentClient, table);
      // The real store, made to fail its first day update, as a throttled write would.
      class FailingOnce extends AnalyticsStore {
        failed = false;
        override async add(...args: Parameters<AnalyticsStore["add"]>): Promise<void> {
          if (args[2] === "day" && !this.failed) {
            this.failed = true;
            throw new Error("ProvisionedThroughputExceededException");
          }
          return super.add(...args);
        }
      }
      const flaky = { ...deps, analytics: new FailingOnce(dynamo.documentClient, table) };
      const [event] = eventsFor("partial", 1) as [LogEvent];
      expect(await writeLogBatch([message(event, "m1")], flaky)).toEqual(["m1"]);
      expect(await writeLogBatch([message(event, "m1")], flaky)).toEqual([]);
      const analytics = new AnalyticsStore(dynamo.documentClient, table);
      const day = bucketStart(BASE, "day");
      const [dayBucket] = await analytics.query("acct", "partial", "day", day, day);
      expect(dayBucket?.figures.requests).toBe(1);
      expect(await hourRequests("partial")).toBe(1);
      expect((await deps.counters.read("acct", "partial")).stored).toBe(1);
    });

    it("lets the stored-log counter go of logs as they expire (TTL), so STOP_INSERTING stores again", async () => {
      let clock = BASE;
      const deps = writerDependencies(dynamo.documentClient, table, {
        ttlDays: 1,
        now: () => clock,
        retention: { expiring: { limit: 5, strategy: "STOP_INSERTING" } },
      });
      const first = eventsFor("expiring", 5);
      for (const event of first) expect(await writeLogBatch([message(event)], deps)).toEqual([]);
      expect((await deps.counters.read("acct", "expiring")).stored).toBe(5);
      // One deleted through the API before it expires leaves the total and its expiry minute once.
      const removed = await deps.logs.removeLogs("acct", "expiring", [first[0]?.id ?? ""]);
      await deps.counters.subtract("acct", "expiring", removed.count, removed.expiring);
      expect((await deps.counters.read("acct", "expiring")).stored).toBe(4);

      clock = BASE + 86_400_000 + 120_000; // a day and two minutes on: every one of them has expired
      expect((await deps.counters.read("acct", "expiring")).stored).toBe(0);
      const later = Array.from({ length: 3 }, (_, index) =>
        logEvent({ gateway_id: "expiring" }, clock + index * 1000),
      );
      for (const event of later) expect(await writeLogBatch([message(event)], deps)).toEqual([]);
      expect(await deps.counters.read("acct", "expiring")).toEqual({ stored: 3, dropped: 0 });
      const listed = await deps.logs.list("acct", "expiring", NEWEST_FIRST, { page: 1, perPage: 50 });
      expect(listed.records.map((record) => record.id)).toEqual(later.map((event) => event.id).reverse());
    });

    it("keeps the counter right when retention deletes logs that have expired but are not yet removed", async () => {
      let clock = BASE;
      const deps = writerDependencies(dynamo.documentClient, table, {
        ttlDays: 1,
        now: () => clock,
        retention: { trimmed: { limit: 2, strategy: "DELETE_OLDEST" } },
      });
      const batch = eventsFor("trimmed", 2);
      expect(
        await writeLogBatch(
          batch.map((event) => message(event)),
          deps,
        ),
      ).toEqual([]);
      clock = BASE + 86_400_000 + 120_000;
      // Deleted by hand after the fold: the minute comes back negative and the next fold gives it back.
      expect((await deps.counters.read("acct", "trimmed")).stored).toBe(0);
      const removed = await deps.logs.removeLogs("acct", "trimmed", [batch[0]?.id ?? ""]);
      await deps.counters.subtract("acct", "trimmed", removed.count, removed.expiring);
      expect((await deps.counters.read("acct", "trimmed")).stored).toBe(0);
      const later = Array.from({ length: 3 }, (_, index) =>
        logEvent({ gateway_id: "trimmed" }, clock + index),
      );
      expect(
        await writeLogBatch(
          later.map((event) => message(event)),
          deps,
        ),
      ).toEqual([]);
      expect((await deps.counters.read("acct", "trimmed")).stored).toBe(2);
    });

    it("sets expires_at from LOGS_TTL_DAYS, and reads skip an expired log before DynamoDB removes it", async () => {
      const threeDaysAgo = Date.now() - 3 * 86_400_000;
      const deps = writerDependencies(dynamo.documentClient, table, { ttlDays: 2, now: () => threeDaysAgo });
      const [expired] = eventsFor("ttl", 1) as [LogEvent];
      const fresh = logEvent({ gateway_id: "ttl" });
      expect(await writeLogBatch([message(expired)], deps)).toEqual([]);
      expect(
        await writeLogBatch(
          [message(fresh)],
          writerDependencies(dynamo.documentClient, table, { ttlDays: 2 }),
        ),
      ).toEqual([]);
      const reader = new LogStore(dynamo.documentClient, table);
      expect(await reader.get("acct", "ttl", expired.id)).toBeUndefined();
      expect(await reader.getBody("acct", "ttl", expired.id, "request")).toBeUndefined();
      const listed = await reader.list("acct", "ttl", NEWEST_FIRST, { page: 1, perPage: 50 });
      expect(listed.records.map((record) => record.id)).toEqual([fresh.id]);
      const kept = await dynamo.documentClient.send(
        new (await import("@aws-sdk/lib-dynamodb")).GetCommand({
          TableName: table,
          Key: { pk: logPk("ttl", fresh.id), sk: fresh.id },
        }),
      );
      const expectedExpiry = Math.floor(Date.now() / 1000) + 2 * 86_400;
      expect(Math.abs(Number(kept.Item?.expires_at) - expectedExpiry)).toBeLessThan(60);
    });
  },
);
