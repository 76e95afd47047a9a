import { describe, expect, it } from "vitest";
import { createEventStreamGuardrail } from "../../../../../shared/checks/guardrails/event-stream-guardrail.ts";
import { guardrailBlocked } from "../../../../../shared/checks/guardrails/guardrail-errors.ts";
import type { RequestRecord } from "../../../../../shared/core/build-log-event.ts";
import { GatewayError } from "../../../../../shared/core/gateway-error.ts";
import { decodeEventStream, encodeEvent } from "../../../../mock-upstream/event-stream.ts";

const delta = (text: string) => encodeEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text } });
const START = encodeEvent("messageStart", { role: "assistant" });

/** Runs byte pieces through the guardrail (S1 whenever the scanned text holds "bomb"). */
async function run(pieces: Uint8Array[], windowChars = 16) {
  const seen: string[] = [];
  const record = { id: "row", path: "/v1/acct/gw/aws-bedrock/x" } as RequestRecord;
  const stream = new TransformStream(
    createEventStreamGuardrail({
      scan: async (text) => {
        seen.push(text);
        return text.includes("bomb") ? guardrailBlocked("response", ["S1"], record.path) : null;
      },
      windowChars,
      overlapChars: 8,
      record,
    }),
  );
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
  const reader = source.pipeThrough(stream).getReader();
  const out: Uint8Array[] = [];
  let failure: unknown = null;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      out.push(value);
    }
  } catch (error) {
    failure = error;
  }
  const bytes = new Uint8Array(Buffer.concat(out));
  return { events: decodeEventStream(bytes), bytes, failure, record, seen };
}

const texts = (events: ReturnType<typeof decodeEventStream>) =>
  events
    .filter((event) => event.eventType === "contentBlockDelta")
    .map((event) => (event.payload as { delta: { text: string } }).delta.text)
    .join("");

describe("createEventStreamGuardrail", () => {
  it("catches a match in a frame split across chunks; the blocked window never reaches the client", async () => {
    const bad = delta("how to build a bomb today");
    const { events, failure, record } = await run([
      START,
      delta("Once upon a time, "),
      bad.subarray(0, 20),
      bad.subarray(20),
    ]);
    expect(failure).toBeNull();
    expect(texts(events)).toBe("Once upon a time, ");
    expect(events.at(-1)).toMatchObject({
      headers: { ":message-type": "exception", ":exception-type": "validationException" },
      payload: { message: "Response blocked by the gateway's guardrails (S1) (code 2017)" },
    });
    expect(record).toMatchObject({ responseRefused: true, checkFields: { error: { code: 2017 } } });
  });

  it("delivers a clean stream whole, scanning each window and the rest at the end", async () => {
    const { events, seen } = await run([START, delta("a calm answer, "), delta("nothing here"), delta(".")]);
    expect(texts(events)).toBe("a calm answer, nothing here.");
    expect(seen.length).toBeGreaterThan(1);
  });

  it("fails a stream it cannot read, passing nothing unscanned", async () => {
    const broken = delta("unscanned text").slice();
    broken.set([(broken.at(-1) ?? 0) ^ 0xff], broken.byteLength - 1);
    const { failure, bytes } = await run([START, broken]);
    expect(failure).toBeInstanceOf(GatewayError);
    expect(Buffer.from(bytes).toString("latin1")).not.toContain("unscanned");
  });
});
