import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogQuery } from "../../../shared/logs/log-query.ts";
import { enforceLogLimit } from "../../../shared/logs/log-retention.ts";
import { writeLogBatch } from "../../../shared/logs/write-log-batch.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import { AnalyticsStore, bucketStart } from "../../../shared/store/analytics-store.ts";
import { LogStore } from "../../../shared/store/log-store.ts";
import { type EmulatorName, type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { logEvent, message, writerDependencies } from "./log-fixtures.ts";

const NEWEST_FIRST: LogQuery = { filters: [], orderBy: "created_at", direction: "desc" };
const BASE = Date.parse("2026-11-25T10:00:00.000Z");

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
          Key: { pk: "acct#ttl", sk: fresh.id },
        }),
      );
      const expectedExpiry = Math.floor(Date.now() / 1000) + 2 * 86_400;
      expect(Math.abs(Number(kept.Item?.expires_at) - expectedExpiry)).toBeLessThan(60);
    });
  },
);
