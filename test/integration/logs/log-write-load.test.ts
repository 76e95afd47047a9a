import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packLogBodies } from "../../../shared/core/log-bodies.ts";
import { writeLogBatch } from "../../../shared/logs/write-log-batch.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import { LogBodyObjects } from "../../../shared/store/log-body-objects.ts";
import {
  DEFAULT_LOG_SHARDS,
  PARTITION_WRITE_UNITS_PER_SECOND,
  shardsForRate,
  writeLocation,
} from "../../../shared/store/log-shards.ts";
import { dynamoItemSize, writeUnits } from "../../support/dynamo-item-size.ts";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { type RunningS3, startS3 } from "../../support/s3-emulator.ts";
import { logEvent, message, writerDependencies } from "./log-fixtures.ts";

/**
 * The load simulation of issue 22: what 1,000 requests a second with 100 KB bodies, all on one gateway,
 * cost each partition of the logs table in write units per second. Run small (200 logs through the real
 * log-writer path, into DynamoDB Local and the S3 emulator), sized from the items the code wrote, and
 * scaled to the rate. DynamoDB throttles a partition past 1,000 write units a second; the design keeps
 * every partition under half of that.
 */
const RATE = 1_000;
const LOGS = 200;
/** The log queue's event source mapping hands the log-writer batches of up to 25 (infra/aws). */
const BATCH = 25;
const BODY_BYTES = 100 * 1024;
const BUCKET = "log-bodies";

/** A chat body of about `bytes`: words drawn from a vocabulary, so gzip does about what it does on prose. */
function chatBody(bytes: number, seed: number): Buffer {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  const vocabulary = Array.from({ length: 2_000 }, (_, index) =>
    Array.from({ length: 3 + (index % 8) }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join(
      "",
    ),
  );
  const words: string[] = [];
  let length = 0;
  while (length < bytes - 100) {
    const word = vocabulary[Math.floor(random() * vocabulary.length)] ?? "word";
    words.push(word);
    length += word.length + 1;
  }
  return Buffer.from(
    JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: words.join(" ") }] }),
  );
}

type Item = Record<string, unknown>;

describe("log write load: 1,000 requests per second with 100 KB bodies on one gateway", () => {
  let dynamo: RunningDynamo;
  let s3: RunningS3;
  let items: Item[];
  let events: LogEvent[];
  const batches = Math.ceil(LOGS / BATCH);

  beforeAll(async () => {
    [dynamo, s3] = await Promise.all([startDynamo("dynamodb-local"), startS3()]);
    const table = await dynamo.createTable("logs");
    await s3.createBucket(BUCKET);
    const deps = writerDependencies(dynamo.documentClient, table, {
      bodies: new LogBodyObjects(s3.client, BUCKET),
    });
    events = [];
    for (let index = 0; index < LOGS; index += 1) {
      const packed = await packLogBodies(
        chatBody(BODY_BYTES, index * 2 + 1),
        chatBody(BODY_BYTES, index * 2 + 2),
        true,
      );
      events.push(
        logEvent({ gateway_id: "load", request_body: packed.request, response_body: packed.response }),
      );
    }
    for (let index = 0; index < LOGS; index += BATCH)
      expect(
        await writeLogBatch(
          events.slice(index, index + BATCH).map((event) => message(event)),
          deps,
        ),
      ).toEqual([]);
    items = [];
    let startKey: Item | undefined;
    do {
      const page = await dynamo.documentClient.send(
        new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([dynamo?.stop(), s3?.stop()]);
  });

  /**
   * Write units a second each partition takes at RATE: a log's items are written once each; the stored-log
   * counter and each analytics bucket take one ADD per batch (one model, one hour here), billed on the
   * item's size; the batch record one Put per batch. Scaled from the LOGS written to RATE.
   */
  function unitsPerSecondByPartition(): Map<string, number> {
    const perPartition = new Map<string, number>();
    for (const item of items) {
      const pk = String(item.pk);
      const perBatch = pk.endsWith("#counters") || pk.includes("#analytics#");
      const units = writeUnits(item) * (perBatch ? batches : 1);
      perPartition.set(pk, (perPartition.get(pk) ?? 0) + units);
    }
    for (const [pk, units] of perPartition) perPartition.set(pk, (units * RATE) / LOGS);
    return perPartition;
  }

  it("puts 100 KB bodies in S3, so a log writes only its log item to its shard", async () => {
    expect((await s3.keys(BUCKET)).length).toBe(LOGS * 2);
    expect(items.filter((item) => String(item.pk).includes("#bodies"))).toEqual([]);
    const logItems = items.filter((item) => /^acct#load#\d+$/.test(String(item.pk)));
    expect(logItems).toHaveLength(LOGS);
    expect(new Set(logItems.map((item) => item.pk)).size).toBe(DEFAULT_LOG_SHARDS);
  });

  it("keeps every partition under half of its 1,000 write units a second", () => {
    const perPartition = unitsPerSecondByPartition();
    const report = [...perPartition].map(([pk, units]) => `${pk}: ${units.toFixed(0)} WRU/s`).join("\n");
    console.info(`write units per partition per second at ${RATE} logs/s:\n${report}`);
    for (const [pk, units] of perPartition)
      expect(units, `${pk}\n${report}`).toBeLessThan(PARTITION_WRITE_UNITS_PER_SECOND / 2);
  });

  it("holds at scale: the busiest shard of 100,000 ids, at the largest log item written, stays under half", () => {
    const logItems = items.filter((item) => /^acct#load#\d+$/.test(String(item.pk)));
    const sizes = logItems.map(dynamoItemSize);
    const unitsPerLog = Math.max(...logItems.map(writeUnits));
    const shares = new Map<string, number>();
    for (let index = 0; index < 100_000; index += 1) {
      const { logPk } = writeLocation("acct", "load", uuidv7(), DEFAULT_LOG_SHARDS);
      shares.set(logPk, (shares.get(logPk) ?? 0) + 1 / 100_000);
    }
    const busiest = Math.max(...shares.values());
    const unitsPerSecond = RATE * busiest * unitsPerLog;
    console.info(
      `log item: ${Math.min(...sizes)}-${Math.max(...sizes)} bytes, ${unitsPerLog} WRU; busiest of ${DEFAULT_LOG_SHARDS} shards ` +
        `${(busiest * 100).toFixed(2)}% of logs: ${unitsPerSecond.toFixed(0)} WRU/s; unsharded: ${RATE * unitsPerLog} WRU/s`,
    );
    expect(unitsPerSecond).toBeLessThan(PARTITION_WRITE_UNITS_PER_SECOND / 2);
    // The layout before shards put all of it on one partition: at or past DynamoDB's limit.
    expect(RATE * unitsPerLog).toBeGreaterThanOrEqual(PARTITION_WRITE_UNITS_PER_SECOND);
    // The documented rule picks no more shards than the default for this load.
    expect(shardsForRate(RATE, unitsPerLog)).toBeLessThanOrEqual(DEFAULT_LOG_SHARDS);
  });
});
