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

  const lineOf = (record: unknown) => `${JSON.stringify(record)}\n`;

  it("sends a batch's logs to the delivery stream together, as JSON lines in one record", async () => {
    const sent = records(3);
    await exporter().export(sent);
    expect(firehose.batches).toEqual([
      { streamName: "ai-gateway-logs", records: [sent.map(lineOf).join("")] },
    ]);
  });

  it("packs at most 500 logs into a record, which dynamic partitioning can split", async () => {
    await exporter().export(records(1201));
    expect(firehose.batches).toHaveLength(1);
    expect(firehose.batches[0]?.records.map((record) => record.trimEnd().split("\n").length)).toEqual([
      500, 500, 201,
    ]);
  });

  it("sends again only the records Firehose refused, with a doubling delay, until all are in", async () => {
    // Three records; the first call refuses the second and third, the resend refuses its second (the third).
    firehose.refuse((call, record) =>
      (call === 0 && record > 0) || (call === 1 && record === 1) ? "ServiceUnavailableException" : undefined,
    );
    await exporter().export(records(1201));
    const [first, ...rest] = firehose.batches;
    const [one, two, three] = first?.records ?? [];
    expect(rest.map((batch) => batch.records)).toEqual([[two, three], [three]]);
    expect(one).toBeDefined();
    expect(sleeps).toEqual([100, 200]);
  });

  it("fails the export, naming the error, when records are still refused after the retries", async () => {
    firehose.refuse(() => "ServiceUnavailableException");
    await expect(exporter(2).export(records(2))).rejects.toThrow(
      /refused 1 of 1 records after 3 tries \(ServiceUnavailableException\)/,
    );
    expect(firehose.batches).toHaveLength(3);
  });

  it("keeps each record under 1,000 KiB and each call under 4 MiB", async () => {
    // Logs of about 900 KiB (a long user agent): one a record, four records a call.
    const large = Array.from({ length: 5 }, () =>
      exportRecordOf(logEvent({ user_agent: "x".repeat(900 * 1024) })),
    );
    await exporter().export(large);
    expect(firehose.batches.map((batch) => batch.records.length)).toEqual([4, 1]);
    expect(firehose.batches.flatMap((batch) => batch.records)).toEqual(large.map(lineOf));
  });

  it("refuses a log larger than a Firehose record rather than send it", async () => {
    const huge = exportRecordOf(logEvent({ user_agent: "x".repeat(1024 * 1024) }));
    await expect(exporter().export([huge])).rejects.toThrow(/over Firehose's 1,000 KiB/);
    expect(firehose.batches).toEqual([]);
  });
});
