import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeanSqsClient } from "../../../shared/queue/lean-sqs-client.ts";
import { type RunningSqs, startSqs } from "../../support/fauxqs.ts";

/**
 * Bodies a log event can hold: non-ASCII text, JSON escapes, and a large one. No emoji: SQS takes characters
 * beyond U+FFFF, but fauxqs 1.9's character check (a regex without the `u` flag) refuses their surrogate
 * pairs, from the SDK's client as from this one.
 */
const bodies = [
  '{"id":"a","text":"héllo wörld — ✓ 你好"}',
  JSON.stringify({ id: "b", quote: 'say "hi"\n\ttab \\ backslash', nul: "\u0001" }),
  JSON.stringify({ id: "c", big: "x".repeat(150 * 1024) }),
];

describe("LeanSqsClient against fauxqs", () => {
  let sqs: RunningSqs;
  let lean: LeanSqsClient;

  beforeAll(async () => {
    sqs = await startSqs();
    lean = new LeanSqsClient({ credentials: async () => ({ accessKeyId: "test", secretAccessKey: "test" }) });
  });

  afterAll(async () => {
    lean.destroy();
    await sqs.stop();
  });

  it("sends one message the SDK receives byte for byte", async () => {
    const queueUrl = await sqs.createQueue("lean-single");
    const outputs = [];
    for (const body of bodies)
      outputs.push(await lean.sendMessage({ QueueUrl: queueUrl, MessageBody: body }));

    expect(outputs.every((output) => typeof output.MessageId === "string" && output.MessageId !== "")).toBe(
      true,
    );
    const received = await sqs.receiveAll(queueUrl, bodies.length);
    expect(received.map((message) => message.Body).sort()).toEqual([...bodies].sort());
    expect(received.map((message) => message.MessageId).sort()).toEqual(
      outputs.map((output) => output.MessageId).sort(),
    );
  });

  it("sends a batch whose entries the SDK receives as separate messages, intact", async () => {
    const queueUrl = await sqs.createQueue("lean-batch");
    const small = bodies.slice(0, 2);
    const output = await lean.sendMessageBatch({
      QueueUrl: queueUrl,
      Entries: small.map((body, index) => ({ Id: String(index), MessageBody: body })),
    });

    expect(output.Failed).toEqual([]);
    expect(output.Successful.map((entry) => entry.Id).sort()).toEqual(["0", "1"]);
    const received = await sqs.receiveAll(queueUrl, small.length);
    expect(received.map((message) => message.Body).sort()).toEqual([...small].sort());
  });

  it("reports a queue that does not exist as SQS names it, without retrying", async () => {
    const origin = new URL(await sqs.createQueue("lean-exists")).origin;
    const error = await lean
      .sendMessage({ QueueUrl: `${origin}/000000000000/no-such-queue`, MessageBody: "x" })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "QueueDoesNotExist", statusCode: 400, senderFault: true });
  });
});
