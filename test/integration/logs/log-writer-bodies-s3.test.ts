import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packLogBodies } from "../../../shared/core/log-bodies.ts";
import type { LogRetention } from "../../../shared/logs/log-retention.ts";
import { writeLogBatch } from "../../../shared/logs/write-log-batch.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import { LogBodyObjects, logBodyKey } from "../../../shared/store/log-body-objects.ts";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { type RunningS3, startS3 } from "../../support/s3-emulator.ts";
import { logEvent, message, writerDependencies } from "./log-fixtures.ts";

const BUCKET = "log-bodies";
const BASE = Date.now() - 60_000;

describe("the log-writer with bodies in S3 (dynalite, fauxqs's S3)", () => {
  let dynamo: RunningDynamo;
  let s3: RunningS3;
  let table: string;

  beforeAll(async () => {
    [dynamo, s3] = await Promise.all([startDynamo("dynalite"), startS3()]);
    table = await dynamo.createTable("logs");
    await s3.createBucket(BUCKET);
  });

  afterAll(async () => {
    await Promise.all([dynamo.stop(), s3.stop()]);
  });

  const depsFor = (retention: Record<string, LogRetention> = {}) =>
    writerDependencies(dynamo.documentClient, table, {
      retention,
      bodies: new LogBodyObjects(s3.client, BUCKET),
      // Every log's bodies in S3, however small (the default keeps these chat-sized ones in the table).
      bodiesS3MinBytes: 0,
    });

  async function withBodies(gatewayId: string, count: number): Promise<LogEvent[]> {
    const events: LogEvent[] = [];
    for (let index = 0; index < count; index += 1) {
      const packed = await packLogBodies(
        Buffer.from(`{"n":${index}}`),
        Buffer.from(`{"answer":${index}}`),
        true,
      );
      // A second apart, so the oldest are the first (ids sort by their millisecond).
      events.push(
        logEvent(
          { gateway_id: gatewayId, request_body: packed.request, response_body: packed.response },
          BASE + index * 1000,
        ),
      );
    }
    return events;
  }

  const gatewayKeys = async (gatewayId: string) =>
    (await s3.keys(BUCKET)).filter((key) => key.startsWith(`bodies/acct/${gatewayId}/`)).sort();
  const keysOf = (gatewayId: string, events: LogEvent[]) =>
    events
      .flatMap((event) => [
        logBodyKey("acct", gatewayId, event.id, "request"),
        logBodyKey("acct", gatewayId, event.id, "response"),
      ])
      .sort();

  it("puts a batch's bodies in S3 and serves them back", async () => {
    const deps = depsFor();
    const events = await withBodies("batch", 3);
    expect(
      await writeLogBatch(
        events.map((event) => message(event)),
        deps,
      ),
    ).toEqual([]);
    expect(await gatewayKeys("batch")).toEqual(keysOf("batch", events));
    const object = await s3.objectBytes(BUCKET, logBodyKey("acct", "batch", events[2]?.id ?? "", "response"));
    expect(gunzipSync(object ?? new Uint8Array()).toString()).toBe('{"answer":2}');
    expect(await deps.logs.getBody("acct", "batch", events[0]?.id ?? "", "request")).toBe('{"n":0}');
  });

  it("DELETE_OLDEST deletes the trimmed logs' objects", async () => {
    const deps = depsFor({ oldest: { limit: 2, strategy: "DELETE_OLDEST" } });
    const events = await withBodies("oldest", 4);
    for (const event of events) expect(await writeLogBatch([message(event)], deps)).toEqual([]);
    expect(await gatewayKeys("oldest")).toEqual(keysOf("oldest", events.slice(2)));
  });

  it("STOP_INSERTING leaves no objects for the logs it drops", async () => {
    const deps = depsFor({ stop: { limit: 2, strategy: "STOP_INSERTING" } });
    const events = await withBodies("stop", 4);
    for (const event of events) expect(await writeLogBatch([message(event)], deps)).toEqual([]);
    expect(await deps.counters.read("acct", "stop")).toEqual({ stored: 2, dropped: 2 });
    expect(await gatewayKeys("stop")).toEqual(keysOf("stop", events.slice(0, 2)));
  });

  it("keeps chat-sized bodies in the table under the default threshold, and serves them back", async () => {
    const deps = writerDependencies(dynamo.documentClient, table, {
      bodies: new LogBodyObjects(s3.client, BUCKET),
    });
    const events = await withBodies("small", 2);
    expect(
      await writeLogBatch(
        events.map((event) => message(event)),
        deps,
      ),
    ).toEqual([]);
    expect(await gatewayKeys("small")).toEqual([]);
    expect(await deps.logs.getBody("acct", "small", events[1]?.id ?? "", "response")).toBe('{"answer":1}');
  });
});
