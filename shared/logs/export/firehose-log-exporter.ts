import { type _Record, type FirehoseClient, PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import type { ExportRecord } from "./export-record.ts";
import type { LogExporter } from "./log-exporter.ts";

/** PutRecordBatch takes at most 500 records and 4 MiB a call (Amazon Data Firehose API reference). */
const MAX_RECORDS_PER_CALL = 500;
const MAX_BYTES_PER_CALL = 4 * 1024 * 1024;
/** A record is at most 1,000 KiB before base64; an exported log (no bodies) is about 1 KB. */
const MAX_RECORD_BYTES = 1000 * 1024;

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
 * gateway (infra/aws/constructs/log-export.ts). Each record is one JSON line. A call can succeed while some
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
    await Promise.all(callsOf(data).map((call) => this.put(call)));
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

/** The records in calls of at most 500 records and 4 MiB. */
function callsOf(data: Uint8Array[]): _Record[][] {
  const calls: _Record[][] = [];
  let call: _Record[] = [];
  let bytes = 0;
  for (const record of data) {
    if (call.length === MAX_RECORDS_PER_CALL || bytes + record.length > MAX_BYTES_PER_CALL) {
      calls.push(call);
      call = [];
      bytes = 0;
    }
    call.push({ Data: record });
    bytes += record.length;
  }
  if (call.length > 0) calls.push(call);
  return calls;
}
