import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqsLogSink } from "../../../shared/queue/log-sink.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import { type RunningSqs, startSqs } from "../../support/fauxqs.ts";
import { recordingLogger } from "../../support/recording-logger.ts";

const event = {
  id: "0190a5c4-0000-7000-8000-000000000001",
  account_id: "acct",
  gateway_id: "gw",
  request_body: { gzip_base64: "H4sIAAAAAAAAA6tWKkktLlGyUlAqS8wpTVWqBQBrU5Z/EgAAAA==", complete: true },
} as unknown as LogEvent;

describe("SqsLogSink", () => {
  let sqs: RunningSqs;

  beforeAll(async () => {
    sqs = await startSqs();
  });

  afterAll(async () => {
    await sqs.stop();
  });

  it("queues the log event as one JSON message", async () => {
    const queueUrl = await sqs.createQueue("logs");
    const logger = recordingLogger();
    let failures = 0;
    await new SqsLogSink(sqs.client, queueUrl, logger, () => failures++).send(event);

    const { Messages = [] } = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }),
    );
    expect(Messages.map((message) => JSON.parse(message.Body ?? ""))).toEqual([event]);
    expect(logger.lines).toEqual([]);
    expect(failures).toBe(0);
  });

  it("writes the event to the structured log when SQS cannot be reached, so it is not lost", async () => {
    const unreachable = new SQSClient({
      endpoint: "http://127.0.0.1:1",
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    const logger = recordingLogger();
    let failures = 0;
    await new SqsLogSink(unreachable, "http://127.0.0.1:1/000000000000/logs", logger, () => failures++).send(
      event,
    );

    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({
      level: "error",
      message: "log event not queued",
      attributes: { bodies_omitted: false, log_event: event },
    });
    // Counted as a log-pipeline failure (the proxy emits it as the LogPipelineFailures metric).
    expect(failures).toBe(1);
  });
});
