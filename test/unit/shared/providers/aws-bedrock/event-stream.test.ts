import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { describe, expect, it } from "vitest";
import { createBedrockEventDecoder } from "../../../../../shared/providers/aws-bedrock/event-stream.ts";

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function frame(kind: "event" | "exception", type: string, payload: unknown): Uint8Array {
  const typeHeader = kind === "event" ? ":event-type" : ":exception-type";
  return codec.encode({
    headers: {
      ":message-type": { type: "string", value: kind },
      [typeHeader]: { type: "string", value: type },
      ":content-type": { type: "string", value: "application/json" },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

describe("createBedrockEventDecoder", () => {
  it("decodes frames split across chunks and packed together, exceptions included", () => {
    const events: unknown[] = [];
    const decoder = createBedrockEventDecoder((event) => events.push(event));
    const bytes = concat([
      frame("event", "messageStart", { role: "assistant" }),
      frame("event", "contentBlockDelta", { delta: { text: "Hi" }, contentBlockIndex: 0 }),
      frame("exception", "throttlingException", { message: "Too many requests" }),
    ]);
    // Byte by byte for the first 30 bytes, then the rest at once.
    for (let i = 0; i < 30; i++) decoder.push(bytes.subarray(i, i + 1));
    decoder.push(bytes.subarray(30));
    decoder.end();
    expect(events).toEqual([
      { type: "messageStart", payload: '{"role":"assistant"}' },
      { type: "contentBlockDelta", payload: '{"delta":{"text":"Hi"},"contentBlockIndex":0}' },
      { type: "throttlingException", payload: '{"message":"Too many requests"}' },
    ]);
  });

  it("stops at a length no event stream can have", () => {
    const events: unknown[] = [];
    const decoder = createBedrockEventDecoder((event) => events.push(event));
    decoder.push(new TextEncoder().encode("data: not an event stream\n\n"));
    decoder.push(frame("event", "messageStart", {}));
    expect(events).toEqual([]);
  });
});
