import { type _Record, type FirehoseClient, PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import type { ExportRecord } from "./export-record.ts";
import type { LogExporter } from "./log-exporter.ts";

/** PutRecordBatch takes at most 500 records and 4 MiB a call (Amazon Data Firehose API reference). */
const MAX_RECORDS_PER_CALL = 500;
const MAX_BYTES_PER_CALL = 4 * 1024 * 1024;
/** A record is at most 1,000 KiB before base64; an exported log (no bodies) is about 1 KB. */
const MAX_RECORD_BYTES = 1000 * 1024;
/** Dynamic partitioning splits at most 500 JSON objects out of one record (multi-record deaggregation). */
const MAX_LOGS_PER_RECORD = 500;

export interface FirehoseLogExporterOptions {
  /** Sends of the records a call left unprocessed, after the first. */
  retries?: number;
  /** Milliseconds before the first resend; doubled for each next one. */
  retryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The export on AWS: PutRecordBatch to the stack's delivery stream (LOG_EXPORT_STREAM), which converts the
 * JSON records to Parquet with the Glue table's schema and writes them to S3 partitioned by day and
 * gateway (infra/aws/constructs/log-export.ts). Firehose bills what it ingests in 5 KB steps per record,
 * and an exported log is about 1 KB: so the logs of a batch travel together, as JSON lines in one record
 * (up to 500 logs and 1,000 KiB), which the stream splits again before it partitions them (multi-record
 * deaggregation), for about a fifth of the ingestion charge (docs/analytics.md). A call can succeed while some
 * of its records fail (FailedPutCount, mostly throttling): those are sent again with backoff; whatever is
 * still refused after the retries fails the export, and the log-writer leaves the batch's messages on the
 * queue (log-exporter.ts). Whole-call errors are retried by the SDK itself first.
 */
export class FirehoseLogExporter implements LogExporter {
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: FirehoseClient,
    private readonly streamName: string,
    options: FirehoseLogExporterOptions = {},
  ) {
    this.retries = options.retries ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async export(records: ExportRecord[]): Promise<void> {
    const encoder = new TextEncoder();
    const data = records.map((record) => encoder.encode(`${JSON.stringify(record)}\n`));
    const tooLarge = data.find((bytes) => bytes.length > MAX_RECORD_BYTES);
    if (tooLarge) throw new Error(`an exported log is ${tooLarge.length} bytes, over Firehose's 1,000 KiB`);
    await Promise.all(callsOf(recordsOf(data)).map((call) => this.put(call)));
  }

  /** Sends one call's records, then again those Firehose refused, until none is left or retries run out. */
  private async put(records: _Record[]): Promise<void> {
    let pending = records;
    for (let attempt = 0; ; attempt += 1) {
      const answer = await this.client.send(
        new PutRecordBatchCommand({ DeliveryStreamName: this.streamName, Records: pending }),
      );
      if (!answer.FailedPutCount) return;
      const refused = pending.filter((_, index) => answer.RequestResponses?.[index]?.ErrorCode);
      if (attempt >= this.retries) {
        const codes = new Set(answer.RequestResponses?.map((response) => response.ErrorCode).filter(Boolean));
        throw new Error(
          `Firehose refused ${refused.length} of ${records.length} records after ${attempt + 1} tries (${[...codes].join(", ")})`,
        );
      }
      pending = refused;
      await this.sleep(this.retryDelayMs * 2 ** attempt);
    }
  }
}

/** Groups items in order, closing a group before `limit` items or `maxBytes` bytes would be passed. */
function groupsOf(items: Uint8Array[], limit: number, maxBytes: number): Uint8Array[][] {
  const groups: Uint8Array[][] = [];
  let group: Uint8Array[] = [];
  let bytes = 0;
  for (const item of items) {
    if (group.length === limit || bytes + item.length > maxBytes) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(item);
    bytes += item.length;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** The JSON lines packed into Firehose records of at most 500 lines and 1,000 KiB. */
function recordsOf(lines: Uint8Array[]): Uint8Array[] {
  return groupsOf(lines, MAX_LOGS_PER_RECORD, MAX_RECORD_BYTES).map((group) => Buffer.concat(group));
}

/** The records in calls of at most 500 records and 4 MiB. */
function callsOf(records: Uint8Array[]): _Record[][] {
  return groupsOf(records, MAX_RECORDS_PER_CALL, MAX_BYTES_PER_CALL).map((call) =>
    call.map((data) => ({ Data: data })),
  );
}
