import { type Message, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
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

  /** The client, counting the commands sent through it by name. */
  function countingClient(client: SQSClient): { client: SQSClient; commands: string[] } {
    const commands: string[] = [];
    const counting = {
      send: (command: { constructor: { name: string } }) => {
        commands.push(command.constructor.name);
        return client.send(command as never);
      },
    } as unknown as SQSClient;
    return { client: counting, commands };
  }

  async function receiveAll(queueUrl: string, expected: number): Promise<Message[]> {
    const received: Message[] = [];
    for (let attempt = 0; attempt < 10 && received.length < expected; attempt++) {
      const { Messages = [] } = await sqs.client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      received.push(...Messages);
    }
    return received;
  }

  const numbered = (n: number) => ({
    ...event,
    id: `0190a5c4-0000-7000-8000-${String(n).padStart(12, "0")}`,
  });

  it("sends events that come within the linger together, ten per SendMessageBatch, each its own message", async () => {
    const queueUrl = await sqs.createQueue("logs-batched");
    const logger = recordingLogger();
    const { client, commands } = countingClient(sqs.client);
    const sink = new SqsLogSink(client, queueUrl, logger, { lingerMs: 20 });

    await Promise.all(Array.from({ length: 12 }, (_, n) => sink.send(numbered(n) as LogEvent)));

    expect(commands).toEqual(["SendMessageBatchCommand", "SendMessageBatchCommand"]);
    const received = await receiveAll(queueUrl, 12);
    expect(received.map((message) => JSON.parse(message.Body ?? "").id).sort()).toEqual(
      Array.from({ length: 12 }, (_, n) => numbered(n).id),
    );
    expect(logger.lines).toEqual([]);
  });

  it("without a linger sends at the end of the event-loop turn, one SendMessage for a lone event", async () => {
    const queueUrl = await sqs.createQueue("logs-lone");
    const { client, commands } = countingClient(sqs.client);
    const sink = new SqsLogSink(client, queueUrl, recordingLogger());

    await sink.send(event);

    expect(commands).toEqual(["SendMessageCommand"]);
    expect((await receiveAll(queueUrl, 1)).map((message) => JSON.parse(message.Body ?? ""))).toEqual([event]);
  });

  it("writes every event of a batch SQS could not take to the structured log", async () => {
    const unreachable = new SQSClient({
      endpoint: "http://127.0.0.1:1",
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    const logger = recordingLogger();
    let failures = 0;
    const sink = new SqsLogSink(unreachable, "http://127.0.0.1:1/000000000000/logs", logger, {
      lingerMs: 10,
      onFailure: () => failures++,
    });

    await Promise.all([1, 2, 3].map((n) => sink.send(numbered(n) as LogEvent)));

    expect(
      logger.lines.map((line) => (line.attributes as { log_event: { id: string } }).log_event.id),
    ).toEqual([1, 2, 3].map((n) => numbered(n).id));
    expect(logger.lines.every((line) => line.message === "log event not queued")).toBe(true);
    expect(failures).toBe(3);
  });
});
