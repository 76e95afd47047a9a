import { FirehoseClient } from "@aws-sdk/client-firehose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { exportRecordOf } from "../../../../../shared/logs/export/export-record.ts";
import { FirehoseLogExporter } from "../../../../../shared/logs/export/firehose-log-exporter.ts";
import { logEvent } from "../../../../integration/logs/log-fixtures.ts";
import { type FirehoseEndpoint, startFirehoseEndpoint } from "../../../../support/firehose-endpoint.ts";

let firehose: FirehoseEndpoint;
let client: FirehoseClient;

beforeAll(async () => {
  firehose = await startFirehoseEndpoint();
  client = new FirehoseClient({
    endpoint: firehose.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
});

afterAll(async () => {
  client.destroy();
  await firehose.close();
});

beforeEach(() => {
  firehose.batches.length = 0;
  firehose.refuse(() => undefined);
});

const records = (count: number) =>
  Array.from({ length: count }, (_, index) => exportRecordOf(logEvent({ event_id: `evt-${index}` })));

describe("FirehoseLogExporter", () => {
  const sleeps: number[] = [];
  const exporter = (retries?: number) =>
    new FirehoseLogExporter(client, "ai-gateway-logs", {
      retries,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });

  beforeEach(() => {
    sleeps.length = 0;
  });

  it("sends each record to the delivery stream as one JSON line", async () => {
    const sent = records(3);
    await exporter().export(sent);
    expect(firehose.batches).toHaveLength(1);
    expect(firehose.batches[0]?.streamName).toBe("ai-gateway-logs");
    expect(firehose.batches[0]?.records).toEqual(sent.map((record) => `${JSON.stringify(record)}\n`));
  });

  it("sends again only the records Firehose refused, with a doubling delay, until all are in", async () => {
    // The first call refuses records 1 and 2; the resend refuses its second record (record 2) again.
    firehose.refuse((call, record) =>
      (call === 0 && record > 0) || (call === 1 && record === 1) ? "ServiceUnavailableException" : undefined,
    );
    const sent = records(3);
    await exporter().export(sent);
    const lines = sent.map((record) => `${JSON.stringify(record)}\n`);
    expect(firehose.batches.map((batch) => batch.records)).toEqual([lines, [lines[1], lines[2]], [lines[2]]]);
    expect(sleeps).toEqual([100, 200]);
  });

  it("fails the export, naming the error, when records are still refused after the retries", async () => {
    firehose.refuse((_, record) => (record === 0 ? "ServiceUnavailableException" : undefined));
    await expect(exporter(2).export(records(2))).rejects.toThrow(
      /refused 1 of 2 records after 3 tries \(ServiceUnavailableException\)/,
    );
    expect(firehose.batches).toHaveLength(3);
  });

  it("splits a batch into calls of at most 500 records", async () => {
    await exporter().export(records(1201));
    expect(firehose.batches.map((batch) => batch.records.length)).toEqual([500, 500, 201]);
  });
});
