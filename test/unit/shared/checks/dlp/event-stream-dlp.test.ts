import { describe, expect, it } from "vitest";
import { responseBlocked } from "../../../../../shared/checks/dlp/dlp-errors.ts";
import { createEventStreamDlpTransformer } from "../../../../../shared/checks/dlp/event-stream-dlp.ts";
import { buildScanPlan, type DlpHit } from "../../../../../shared/checks/dlp/scan-plan.ts";
import { GatewayError } from "../../../../../shared/core/gateway-error.ts";
import type { DlpAction } from "../../../../../shared/schemas/dlp-settings.ts";
import { decodeEventStream, encodeEvent } from "../../../../mock-upstream/event-stream.ts";

const delta = (text: string) =>
  encodeEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text }, p: "ab" });
const START = encodeEvent("messageStart", { role: "assistant", p: "abc" });
const STOP = encodeEvent("messageStop", { stopReason: "end_turn" });
/** An InvokeModelWithResponseStream `chunk` frame: the model's event, base64 in `bytes`. */
const chunk = (event: unknown) =>
  encodeEvent("chunk", { bytes: Buffer.from(JSON.stringify(event)).toString("base64"), p: "abcd" });
const claudeDelta = (text: string) =>
  chunk({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });

function planFor(action: DlpAction) {
  const plan = buildScanPlan(
    {
      enabled: true,
      policies: [
        { id: "p", action, check: ["RESPONSE"], enabled: true, profiles: ["financial-information"] },
      ],
    },
    "RESPONSE",
  );
  if (!plan) throw new Error("no plan");
  return plan;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Feeds the chunks one write each and records what comes out after every chunk. */
async function run(action: DlpAction, chunks: Uint8Array[]) {
  const hits: DlpHit[] = [];
  let blocked = false;
  const stream = new TransformStream(
    createEventStreamDlpTransformer(planFor(action), {
      onHits: (found) => hits.push(...found),
      blockedError: responseBlocked,
      onBlocked: () => (blocked = true),
    }),
  );
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const outputs: Uint8Array[] = [];
  let failure: unknown;
  const collected = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        outputs.push(value);
      }
    } catch (error) {
      failure = error;
    }
  })();
  const afterEach: number[] = [];
  for (const part of chunks) {
    await writer.write(part).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 0));
    afterEach.push(outputs.length);
  }
  await writer.close().catch(() => {});
  await collected;
  const output = concat(outputs);
  return { output, events: decodeEventStream(output), afterEach, hits, blocked, failure };
}

const converseText = (events: ReturnType<typeof decodeEventStream>) =>
  events
    .filter((event) => event.eventType === "contentBlockDelta")
    .map((event) => (event.payload as { delta: { text: string } }).delta.text)
    .join("");

const claudeText = (events: ReturnType<typeof decodeEventStream>) =>
  events
    .filter((event) => event.eventType === "chunk")
    .map((event) => JSON.parse(Buffer.from((event.payload as { bytes: string }).bytes, "base64").toString()))
    .map((event: { delta?: { text?: string } }) => event.delta?.text ?? "")
    .join("");

describe("createEventStreamDlpTransformer", () => {
  it("passes a stream with nothing to find through byte for byte, frame by frame as it came", async () => {
    const chunks = [START, delta("Hello there. "), delta("Bye."), STOP];
    const { output, afterEach } = await run("BLOCK", chunks);
    expect(output).toEqual(concat(chunks));
    expect(afterEach).toEqual([1, 2, 3, 4]);
  });

  it("reads frames split across chunks and packed several to a chunk", async () => {
    const whole = concat([START, delta("card 4111 1111 "), delta("1111 1111 end"), STOP]);
    const pieces = [whole.subarray(0, 7), whole.subarray(7, 60), whole.subarray(60, 61), whole.subarray(61)];
    const { events, hits } = await run("REDACT", pieces);
    expect(converseText(events)).toBe("card [REDACTED] end");
    expect(hits.map((hit) => hit.entry.detector.id)).toEqual(["credit-card"]);
    expect(events.at(-1)?.eventType).toBe("messageStop");
  });

  it("holds back a frame ending in digits until the next one decides them", async () => {
    const { afterEach, events } = await run("FLAG", [START, delta("call 12"), delta("34 now.")]);
    expect(afterEach[1]).toBe(1);
    expect(converseText(events)).toBe("call 1234 now.");
  });

  it("redacts a card number split across two frames: one marker in the first, the rest removed, CRCs anew", async () => {
    const { events } = await run("REDACT", [START, delta("card 4111 1111 11"), delta("11 1111 end"), STOP]);
    // decodeEventStream checks both CRCs of every frame.
    expect(events.map((event) => event.eventType)).toEqual([
      "messageStart",
      "contentBlockDelta",
      "contentBlockDelta",
      "messageStop",
    ]);
    expect(converseText(events)).toBe("card [REDACTED] end");
    expect(events[1]?.payload).toMatchObject({ contentBlockIndex: 0, p: "ab" });
  });

  it("redacts Claude's events inside invoke-with-response-stream chunks, the base64 bytes written anew", async () => {
    const { events } = await run("REDACT", [
      chunk({ type: "message_start", message: { id: "msg_1", role: "assistant", content: [] } }),
      claudeDelta("My card is 4111 11"),
      claudeDelta("11 1111 1111, bye"),
      chunk({ type: "message_stop" }),
    ]);
    expect(claudeText(events)).toBe("My card is [REDACTED], bye");
  });

  it("ends a blocked stream with a validationException frame naming DLP and 2030, never sending the match", async () => {
    const { output, events, blocked } = await run("BLOCK", [
      START,
      delta("ok. card 4111 11"),
      delta("11 1111 1111 end"),
      delta("more"),
    ]);
    expect(blocked).toBe(true);
    expect(Buffer.from(output).toString("latin1")).not.toContain("4111");
    expect(events.map((event) => event.eventType ?? event.headers[":exception-type"])).toEqual([
      "messageStart",
      "validationException",
    ]);
    expect(events[1]?.headers[":message-type"]).toBe("exception");
    expect(events[1]?.payload).toEqual({
      message: "Response content blocked due to DLP policy violations (code 2030)",
    });
  });

  it("fails a stream whose frame fails its checksum, without passing the held text on", async () => {
    const broken = delta("1111 end").slice();
    broken.set([(broken.at(-20) ?? 0) ^ 0xff], broken.byteLength - 20); // a payload byte: the message CRC no longer holds
    const { output, failure } = await run("BLOCK", [START, delta("card 4111 1111 "), broken]);
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure).toMatchObject({ status: 502 });
    expect(Buffer.from(output).toString("latin1")).not.toContain("4111");
  });

  it("fails a stream that announces a frame larger than any frame may be", async () => {
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setUint32(0, 64 * 1024 * 1024);
    const { failure } = await run("FLAG", [START, huge]);
    expect(failure).toMatchObject({ status: 502 });
  });

  it("fails a stream cut inside a frame", async () => {
    const { failure } = await run("FLAG", [START, delta("card 4111").subarray(0, 30)]);
    expect(failure).toMatchObject({ status: 502 });
  });
});
