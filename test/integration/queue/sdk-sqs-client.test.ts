import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SdkSqsClient } from "../../../shared/queue/sdk-sqs-client.ts";
import { SqsError } from "../../../shared/queue/sqs-error.ts";
import { type RunningSqs, startSqs } from "../../support/fauxqs.ts";

/** As in lean-sqs-client.test.ts: non-ASCII text, JSON escapes, and a large body (no emoji: fauxqs 1.9). */
const bodies = [
  '{"id":"a","text":"héllo wörld — ✓ 你好"}',
  JSON.stringify({ id: "b", quote: 'say "hi"\n\ttab \\ backslash', nul: "\u0001" }),
  JSON.stringify({ id: "c", big: "x".repeat(150 * 1024) }),
];

describe("SdkSqsClient against fauxqs", () => {
  let sqs: RunningSqs;
  let client: SdkSqsClient;

  beforeAll(async () => {
    sqs = await startSqs();
    // Off AWS the endpoint is the emulator's origin, as a composition root would set it from the queue URL.
    const origin = new URL(await sqs.createQueue("sdk-origin")).origin;
    client = new SdkSqsClient({
      endpoint: origin,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client.destroy();
    await sqs.stop();
  });

  it("sends one message the SDK receives byte for byte", async () => {
    const queueUrl = await sqs.createQueue("sdk-single");
    const outputs = [];
    for (const body of bodies)
      outputs.push(await client.sendMessage({ QueueUrl: queueUrl, MessageBody: body }));

    const received = await sqs.receiveAll(queueUrl, bodies.length);
    expect(received.map((message) => message.Body).sort()).toEqual([...bodies].sort());
    expect(received.map((message) => message.MessageId).sort()).toEqual(
      outputs.map((output) => output.MessageId).sort(),
    );
  });

  it("sends a batch and answers in the shape the log sink reads, Failed empty", async () => {
    const queueUrl = await sqs.createQueue("sdk-batch");
    const small = bodies.slice(0, 2);
    const output = await client.sendMessageBatch({
      QueueUrl: queueUrl,
      Entries: small.map((body, index) => ({ Id: String(index), MessageBody: body })),
    });

    expect(output.Failed).toEqual([]);
    expect(output.Successful.map((entry) => entry.Id).sort()).toEqual(["0", "1"]);
    const received = await sqs.receiveAll(queueUrl, small.length);
    expect(received.map((message) => message.Body).sort()).toEqual([...small].sort());
  });

  it("reports a queue that does not exist as the SqsError the lean client throws", async () => {
    const origin = new URL(await sqs.createQueue("sdk-exists")).origin;
    const error = await client
      .sendMessage({ QueueUrl: `${origin}/000000000000/no-such-queue`, MessageBody: "x" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SqsError);
    expect(error).toMatchObject({ code: "QueueDoesNotExist", statusCode: 400, senderFault: true });
  });
});
