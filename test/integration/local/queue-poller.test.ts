import { GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BatchSettings, QueuePoller } from "../../../infra/local/queue-poller.ts";
import { type RunningSqs, startSqs } from "../../support/fauxqs.ts";

let sqs: RunningSqs;

beforeAll(async () => {
  sqs = await startSqs();
});

afterAll(async () => {
  await sqs.stop();
});

/** A poller on a fresh queue whose handler records each batch's bodies; stopped (and drained) by `stop`. */
async function pollerOn(name: string, settings: BatchSettings) {
  const queueUrl = await sqs.createQueue(name);
  const batches: string[][] = [];
  const poller = new QueuePoller(
    sqs.client,
    queueUrl,
    `arn:aws:sqs:us-east-1:000000000000:${name}`,
    async (event: SQSEvent) => {
      batches.push(event.Records.map((record) => record.body));
      return { batchItemFailures: [] };
    },
    (error) => {
      throw error;
    },
    settings,
  );
  const send = async (bodies: string[]) => {
    for (let start = 0; start < bodies.length; start += 10) {
      await sqs.client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: bodies
            .slice(start, start + 10)
            .map((body, index) => ({ Id: String(index), MessageBody: body })),
        }),
      );
    }
  };
  const visible = async () => {
    const { Attributes = {} } = await sqs.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible)
    );
  };
  return { poller, batches, send, visible, queueUrl };
}

const numbered = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, index) => `${prefix}-${index}`);

describe("QueuePoller batching (the event source mapping's batchSize and maxBatchingWindow)", () => {
  it("fills a batch past one receive's 10 messages, up to batchSize, and deletes every message", async () => {
    const { poller, batches, send, visible } = await pollerOn("fill", {
      batchSize: 25,
      batchingWindowMs: 2_000,
    });
    await send(numbered(30, "m"));
    poller.start();
    await expect.poll(() => batches.flat().length, { timeout: 10_000 }).toBe(30);
    await poller.stop();
    expect(batches[0]).toHaveLength(25);
    expect(batches.flat().sort()).toEqual(numbered(30, "m").sort());
    expect(await visible()).toBe(0);
  });

  it("waits up to the window for messages that arrive one by one, then invokes once", async () => {
    const { poller, batches, queueUrl } = await pollerOn("window", {
      batchSize: 25,
      batchingWindowMs: 1_500,
    });
    poller.start();
    for (const body of ["a", "b", "c"]) {
      await sqs.client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await expect.poll(() => batches.length, { timeout: 10_000 }).toBe(1);
    await poller.stop();
    expect(batches).toEqual([["a", "b", "c"]]);
  });

  it("with no window, invokes with what one receive returned (at most 10)", async () => {
    const { poller, batches, send } = await pollerOn("nowindow", { batchSize: 25, batchingWindowMs: 0 });
    await send(numbered(12, "n"));
    poller.start();
    await expect.poll(() => batches.flat().length, { timeout: 10_000 }).toBe(12);
    await poller.stop();
    expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(10);
  });

  it("a stop drains what is queued without waiting for a window to fill", async () => {
    const { poller, batches, send } = await pollerOn("drain", { batchSize: 25, batchingWindowMs: 60_000 });
    poller.start();
    await send(["x", "y"]);
    const started = Date.now();
    await expect.poll(() => batches.flat().length, { timeout: 500 }).toBe(0);
    await poller.stop();
    expect(batches.flat().sort()).toEqual(["x", "y"]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
