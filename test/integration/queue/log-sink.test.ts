import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { buildApp } from "fauxqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeanSqsClient } from "../../../shared/queue/lean-sqs-client.ts";
import { SqsLogSink } from "../../../shared/queue/log-sink.ts";
import type { SqsSendClient } from "../../../shared/queue/sqs-send-client.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import { type RunningSqs, startSqs } from "../../support/fauxqs.ts";
import { recordingLogger } from "../../support/recording-logger.ts";

const event = {
  id: "0190a5c4-0000-7000-8000-000000000001",
  account_id: "acct",
  gateway_id: "gw",
  request_body: { gzip_base64: "H4sIAAAAAAAAA6tWKkktLlGyUlAqS8wpTVWqBQBrU5Z/EgAAAA==", complete: true },
} as unknown as LogEvent;

/** The emulator accepts any credentials; the client needs some to sign with. */
const testCredentials = async () => ({ accessKeyId: "test", secretAccessKey: "test" });

describe("SqsLogSink", () => {
  let sqs: RunningSqs;
  let lean: LeanSqsClient;

  beforeAll(async () => {
    sqs = await startSqs();
    lean = new LeanSqsClient({ credentials: testCredentials });
  });

  afterAll(async () => {
    lean.destroy();
    await sqs.stop();
  });

  /** Nothing listens on port 1: every attempt is refused. */
  const unreachable = () => new LeanSqsClient({ credentials: testCredentials, maxAttempts: 1 });

  it("queues the log event as one JSON message", async () => {
    const queueUrl = await sqs.createQueue("logs");
    const logger = recordingLogger();
    let failures = 0;
    await new SqsLogSink(lean, queueUrl, logger, () => failures++).send(event);

    const { Messages = [] } = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }),
    );
    expect(Messages.map((message) => JSON.parse(message.Body ?? ""))).toEqual([event]);
    expect(logger.lines).toEqual([]);
    expect(failures).toBe(0);
  });

  it("writes the event to the structured log when SQS cannot be reached, so it is not lost", async () => {
    const logger = recordingLogger();
    let failures = 0;
    await new SqsLogSink(
      unreachable(),
      "http://127.0.0.1:1/000000000000/logs",
      logger,
      () => failures++,
    ).send(event);

    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({
      level: "error",
      message: "log event not queued",
      attributes: { bodies_omitted: false, log_event: event },
    });
    // Counted as a log-pipeline failure (the proxy emits it as the LogPipelineFailures metric).
    expect(failures).toBe(1);
  });

  /** The lean client, counting the calls made through it by name. */
  function countingClient(client: SqsSendClient): { client: SqsSendClient; commands: string[] } {
    const commands: string[] = [];
    const counting: SqsSendClient = {
      sendMessage: (input) => {
        commands.push("SendMessage");
        return client.sendMessage(input);
      },
      sendMessageBatch: (input) => {
        commands.push("SendMessageBatch");
        return client.sendMessageBatch(input);
      },
    };
    return { client: counting, commands };
  }

  const numbered = (n: number) => ({
    ...event,
    id: `0190a5c4-0000-7000-8000-${String(n).padStart(12, "0")}`,
  });

  it("sends events that come within the linger together, ten per SendMessageBatch, each its own message", async () => {
    const queueUrl = await sqs.createQueue("logs-batched");
    const logger = recordingLogger();
    const { client, commands } = countingClient(lean);
    const sink = new SqsLogSink(client, queueUrl, logger, { lingerMs: 20 });

    await Promise.all(Array.from({ length: 12 }, (_, n) => sink.send(numbered(n) as LogEvent)));

    expect(commands).toEqual(["SendMessageBatch", "SendMessageBatch"]);
    const received = await sqs.receiveAll(queueUrl, 12);
    expect(received.map((message) => JSON.parse(message.Body ?? "").id).sort()).toEqual(
      Array.from({ length: 12 }, (_, n) => numbered(n).id),
    );
    expect(logger.lines).toEqual([]);
  });

  it("without a linger sends at the end of the event-loop turn, one SendMessage for a lone event", async () => {
    const queueUrl = await sqs.createQueue("logs-lone");
    const { client, commands } = countingClient(lean);
    const sink = new SqsLogSink(client, queueUrl, recordingLogger());

    await sink.send(event);

    expect(commands).toEqual(["SendMessage"]);
    expect((await sqs.receiveAll(queueUrl, 1)).map((message) => JSON.parse(message.Body ?? ""))).toEqual([
      event,
    ]);
  });

  it("writes every event of a batch SQS could not take to the structured log", async () => {
    const logger = recordingLogger();
    let failures = 0;
    const sink = new SqsLogSink(unreachable(), "http://127.0.0.1:1/000000000000/logs", logger, {
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

  it("with retryForMs, keeps sending while SQS is down and its queue not yet made again, and queues the event", async () => {
    // A queue emulator that comes back (the local runtime restarts a crashed one on its port): first
    // nothing listens, then it listens without the queue, then the queue is made.
    const port = await freePort();
    const queueUrl = `http://sqs.us-east-1.localhost:${port}/000000000000/logs-late`;
    const logger = recordingLogger();
    let failures = 0;
    const sink = new SqsLogSink(lean, queueUrl, logger, { retryForMs: 30_000, onFailure: () => failures++ });
    const sent = sink.send(event);

    await sleep(300);
    const app = buildApp({ logger: false });
    await app.listen({ port, host: "127.0.0.1" });
    try {
      await sleep(300);
      const client = new SQSClient({
        endpoint: `http://sqs.us-east-1.localhost:${port}`,
        region: "us-east-1",
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
      });
      await client.send(new CreateQueueCommand({ QueueName: "logs-late" }));
      await sent;

      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }),
      );
      expect(Messages.map((message) => JSON.parse(message.Body ?? ""))).toEqual([event]);
      expect(logger.lines).toEqual([]);
      expect(failures).toBe(0);
      client.destroy();
    } finally {
      await app.close();
    }
  });
});

/** A port nothing listens on (the system's pick, released at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
