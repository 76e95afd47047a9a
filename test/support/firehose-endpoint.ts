import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { closeServer } from "./close-server.ts";

/** One PutRecordBatch call as the endpoint received it: the stream and each record's data as text. */
export interface ReceivedBatch {
  streamName: string;
  records: string[];
}

export interface FirehoseEndpoint {
  url: string;
  batches: ReceivedBatch[];
  /** Decides, per call and record, the error code Firehose answers for it (undefined: accepted). */
  refuse(decide: (call: number, record: number) => string | undefined): void;
  close(): Promise<void>;
}

/**
 * A loopback stand-in for Amazon Data Firehose's PutRecordBatch, the one call the log-writer makes. No
 * emulator of Firehose runs on Node (fauxqs covers SQS and S3 only), so this speaks the documented wire
 * format itself: the awsJson1_1 protocol (`X-Amz-Target: Firehose_20150804.PutRecordBatch`, base64 `Data`)
 * and its answer with `FailedPutCount` and one `RequestResponses` entry per record, in order
 * (https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html).
 */
export async function startFirehoseEndpoint(): Promise<FirehoseEndpoint> {
  const batches: ReceivedBatch[] = [];
  let decide: (call: number, record: number) => string | undefined = () => undefined;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const target = request.headers["x-amz-target"];
      if (target !== "Firehose_20150804.PutRecordBatch") {
        response.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
        response.end(JSON.stringify({ __type: "UnknownOperationException" }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        DeliveryStreamName: string;
        Records: { Data: string }[];
      };
      const call = batches.length;
      batches.push({
        streamName: body.DeliveryStreamName,
        records: body.Records.map((record) => Buffer.from(record.Data, "base64").toString("utf8")),
      });
      const answers = body.Records.map((_, index) => {
        const code = decide(call, index);
        return code
          ? { ErrorCode: code, ErrorMessage: `${code} for record ${index}` }
          : { RecordId: `record-${call}-${index}` };
      });
      response.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      response.end(
        JSON.stringify({
          Encrypted: false,
          FailedPutCount: answers.filter((answer) => "ErrorCode" in answer).length,
          RequestResponses: answers,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    batches,
    refuse(next) {
      decide = next;
    },
    close: () => closeServer(server),
  };
}
