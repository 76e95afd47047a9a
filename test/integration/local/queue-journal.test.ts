import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { type EmulatorEndpoints, startEmulators } from "../../../infra/local/emulators.ts";

let dataDir: string;
const running: EmulatorEndpoints[] = [];

afterEach(async () => {
  for (const emulators of running.splice(0)) await emulators.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(sqsPort = 0): Promise<{ emulators: EmulatorEndpoints; sqs: SQSClient }> {
  const emulators = await startEmulators(dataDir, { dynamodb: 0, sqs: sqsPort });
  running.push(emulators);
  const sqs = new SQSClient({
    endpoint: emulators.sqs,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  return { emulators, sqs };
}

async function receive(sqs: SQSClient, queueUrl: string | undefined): Promise<Message[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return Messages;
}

describe("the embedded SQS emulator with a data dir (queue-journal.ts)", () => {
  it("keeps its queues, their settings and every message not yet deleted when its process starts again", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "aig-journal-"));
    const first = await start();
    const dlq = await first.sqs.send(new CreateQueueCommand({ QueueName: "logs-dlq" }));
    const queue = await first.sqs.send(
      new CreateQueueCommand({
        QueueName: "logs",
        Attributes: {
          VisibilityTimeout: "7",
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:logs-dlq",
            maxReceiveCount: "1",
          }),
        },
      }),
    );
    await first.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.QueueUrl,
        Entries: ["deleted", "poison", "kept"].map((body) => ({ Id: body, MessageBody: body })),
      }),
    );
    const [deleted, poison, kept] = await receive(first.sqs, queue.QueueUrl);
    expect([deleted?.Body, poison?.Body, kept?.Body]).toEqual(["deleted", "poison", "kept"]);
    await first.sqs.send(
      new DeleteMessageCommand({ QueueUrl: queue.QueueUrl, ReceiptHandle: deleted?.ReceiptHandle }),
    );
    // Received again with maxReceiveCount 1, "poison" is moved to the dead-letter queue; "kept" stays in
    // flight (received, not deleted), as when the log-writer dies holding it.
    await first.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queue.QueueUrl,
        ReceiptHandle: poison?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    expect(await receive(first.sqs, queue.QueueUrl)).toEqual([]);
    // The process dies; nothing more is written. The next one listens on the same port.
    await first.emulators.stop();
    running.length = 0;
    first.sqs.destroy();

    const second = await start(Number(new URL(first.emulators.sqs).port));
    expect(second.emulators.sqs).toBe(first.emulators.sqs);
    expect((await receive(second.sqs, queue.QueueUrl)).map((message) => message.Body)).toEqual(["kept"]);
    expect((await receive(second.sqs, dlq.QueueUrl)).map((message) => message.Body)).toEqual(["poison"]);
    const attributes = await second.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ["VisibilityTimeout"] }),
    );
    expect(attributes.Attributes?.VisibilityTimeout).toBe("7");
    second.sqs.destroy();
  });
});
