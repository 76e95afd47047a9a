import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { describe, expect, it } from "vitest";
import {
  createBedrockEventDecoder,
  createEventStreamFrameReader,
  decodeEventStreamFrame,
  EventStreamFramingError,
} from "../../../../../shared/providers/aws-bedrock/event-stream.ts";

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

describe("createEventStreamFrameReader", () => {
  it("returns each whole frame once, whatever the chunk boundaries, keeping only the unfinished one", () => {
    const frames = [
      frame("event", "a", { n: 1 }),
      frame("event", "b", { n: 2 }),
      frame("event", "c", { n: 3 }),
    ];
    const bytes = concat(frames);
    const reader = createEventStreamFrameReader();
    const out: Uint8Array[] = [];
    out.push(...reader.push(bytes.subarray(0, 3)));
    expect(reader.pendingBytes).toBe(3);
    out.push(...reader.push(bytes.subarray(3, (frames[0]?.byteLength ?? 0) + 5)));
    out.push(...reader.push(bytes.subarray((frames[0]?.byteLength ?? 0) + 5)));
    expect(out.map((part) => Buffer.from(part).toString("hex"))).toEqual(
      frames.map((part) => Buffer.from(part).toString("hex")),
    );
    expect(reader.pendingBytes).toBe(0);
  });

  it("returns a frame that arrives a byte at a time once, when its last byte arrives", () => {
    const whole = frame("event", "a", { text: "x".repeat(300) });
    const reader = createEventStreamFrameReader();
    const out: Uint8Array[] = [];
    for (let i = 0; i < whole.byteLength; i++) {
      const done = reader.push(whole.subarray(i, i + 1));
      if (i < whole.byteLength - 1) expect(done).toEqual([]);
      out.push(...done);
    }
    expect(out.map((part) => Buffer.from(part).toString("hex"))).toEqual([
      Buffer.from(whole).toString("hex"),
    ]);
  });

  it("throws at a length under the smallest frame or over the limit, and for good after", () => {
    expect(() => createEventStreamFrameReader().push(new TextEncoder().encode("data: x\n\n"))).toThrow(
      EventStreamFramingError,
    );
    const reader = createEventStreamFrameReader(64);
    expect(() => reader.push(frame("event", "a", { text: "x".repeat(100) }))).toThrow(
      EventStreamFramingError,
    );
    expect(() => reader.push(frame("event", "a", {}))).toThrow(EventStreamFramingError);
  });
});

describe("decodeEventStreamFrame", () => {
  it("throws a framing error when the message checksum fails", () => {
    const broken = frame("event", "a", { n: 1 }).slice();
    broken.set([(broken.at(-1) ?? 0) ^ 0xff], broken.byteLength - 1);
    expect(() => decodeEventStreamFrame(broken)).toThrow(EventStreamFramingError);
  });
});
