import { describe, expect, it } from "vitest";
import {
  createEventStreamTextReader,
  eventStreamErrorFrame,
} from "../../../../../shared/checks/text/event-stream-text.ts";
import { GatewayError } from "../../../../../shared/core/gateway-error.ts";
import {
  EventStreamFramingError,
  encodeEventStreamFrame,
} from "../../../../../shared/providers/aws-bedrock/event-stream.ts";
import { decodeEventStream, encodeEvent, encodeException } from "../../../../mock-upstream/event-stream.ts";

const chunk = (event: unknown) =>
  encodeEvent("chunk", { bytes: Buffer.from(JSON.stringify(event)).toString("base64"), p: "abcd" });

/** The texts of each frame, read by one reader (one stream). */
function textsOf(frames: Uint8Array[]): string[][] {
  const reader = createEventStreamTextReader();
  return frames.map((frame) => reader.read(frame).slots.map((slot) => slot.text));
}

const innerEvent = (frame: Uint8Array) => {
  const payload = decodeEventStream(frame)[0]?.payload as { bytes: string };
  return JSON.parse(Buffer.from(payload.bytes, "base64").toString());
};

describe("createEventStreamTextReader on ConverseStream", () => {
  it("reads contentBlockDelta text, tool input, reasoning text and tool result text", () => {
    const delta = (value: unknown) =>
      encodeEvent("contentBlockDelta", { contentBlockIndex: 0, delta: value });
    expect(
      textsOf([
        encodeEvent("messageStart", { role: "assistant" }),
        delta({ text: "Hello" }),
        delta({ toolUse: { input: '{"city":' } }),
        delta({ reasoningContent: { text: "Let me think" } }),
        delta({ reasoningContent: { signature: "c2lnbmF0dXJl" } }),
        delta({ toolResult: [{ text: "72F" }, { json: { a: 1 } }] }),
        encodeEvent("metadata", { usage: { inputTokens: 1 } }),
      ]),
    ).toEqual([[], ["Hello"], ['{"city":'], ["Let me think"], [], ["72F"], []]);
  });

  it("writes a replaced slot back into a frame that decodes, its other fields kept", () => {
    const frame = createEventStreamTextReader().read(
      encodeEvent("contentBlockDelta", { contentBlockIndex: 2, delta: { text: "secret" }, p: "abc" }),
    );
    frame.slots[0]?.replace("[REDACTED]");
    const [decoded] = decodeEventStream(frame.rewrite());
    expect(decoded).toMatchObject({
      eventType: "contentBlockDelta",
      headers: { ":message-type": "event", ":content-type": "application/json" },
      payload: { contentBlockIndex: 2, delta: { text: "[REDACTED]" }, p: "abc" },
    });
  });

  it("reads no text from an exception frame", () => {
    expect(textsOf([encodeException("throttlingException", { message: "Too many requests" })])).toEqual([[]]);
  });

  it("refuses a frame whose checksum fails", () => {
    const frame = encodeEvent("contentBlockDelta", { delta: { text: "x" } }).slice();
    frame.set([(frame.at(-1) ?? 0) ^ 0xff], frame.byteLength - 1);
    expect(() => createEventStreamTextReader().read(frame)).toThrow(EventStreamFramingError);
  });
});

describe("createEventStreamTextReader on InvokeModelWithResponseStream chunks", () => {
  it("reads Claude's Anthropic events and writes the base64 bytes anew", () => {
    const reader = createEventStreamTextReader();
    reader.read(chunk({ type: "message_start", message: { role: "assistant", content: [] } }));
    const frame = reader.read(
      chunk({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi Bob" } }),
    );
    expect(frame.slots.map((slot) => slot.text)).toEqual(["Hi Bob"]);
    frame.slots[0]?.replace("Hi [REDACTED]");
    expect(innerEvent(frame.rewrite())).toEqual({
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text: "Hi [REDACTED]" },
    });
  });

  it("reads each Bedrock-native model's documented text field", () => {
    expect(textsOf([chunk({ generation: "llama", prompt_token_count: 3, stop_reason: null })])).toEqual([
      ["llama"],
    ]);
    expect(textsOf([chunk({ outputText: "titan", index: 0, completionReason: null })])).toEqual([["titan"]]);
    expect(textsOf([chunk({ outputs: [{ text: "mistral", stop_reason: null }] })])).toEqual([["mistral"]]);
    expect(textsOf([chunk({ completion: "claude v2", stop_reason: null })])).toEqual([["claude v2"]]);
    expect(
      textsOf([chunk({ contentBlockDelta: { delta: { text: "nova" }, contentBlockIndex: 0 } })]),
    ).toEqual([["nova"]]);
    expect(
      textsOf([
        chunk({ event_type: "text-generation", text: "command r", is_finished: false }),
        chunk({ event_type: "stream-end", is_finished: true, response: { text: "command r" } }),
      ]),
    ).toEqual([["command r"], []]);
    expect(textsOf([chunk({ choices: [{ index: 0, delta: { content: "jamba" } }] })])).toEqual([["jamba"]]);
  });

  it("reads a chunk whose bytes are not JSON whole, and writes them back as base64", () => {
    const frame = createEventStreamTextReader().read(
      encodeEvent("chunk", { bytes: Buffer.from("plain 4111").toString("base64") }),
    );
    expect(frame.slots.map((slot) => slot.text)).toEqual(["plain 4111"]);
    frame.slots[0]?.replace("plain [REDACTED]");
    const payload = decodeEventStream(frame.rewrite())[0]?.payload as { bytes: string };
    expect(Buffer.from(payload.bytes, "base64").toString()).toBe("plain [REDACTED]");
  });

  it("reads a frame without a :message-type header as an event, as the SDK does", () => {
    const bare = encodeEventStreamFrame({
      headers: { ":event-type": { type: "string", value: "contentBlockDelta" } },
      body: new TextEncoder().encode(JSON.stringify({ delta: { text: "no type" } })),
    });
    expect(textsOf([bare])).toEqual([["no type"]]);
  });
});

describe("eventStreamErrorFrame", () => {
  it("is an exception frame the SDK maps by status, naming the gateway's message and code", () => {
    const frame = (status: number) =>
      decodeEventStream(
        eventStreamErrorFrame(new GatewayError({ status, code: 2030, message: "Blocked", expose: true })),
      )[0];
    expect(frame(400)).toMatchObject({
      headers: { ":message-type": "exception", ":exception-type": "validationException" },
      payload: { message: "Blocked (code 2030)" },
    });
    expect(frame(424)?.headers[":exception-type"]).toBe("validationException");
    expect(frame(429)?.headers[":exception-type"]).toBe("throttlingException");
    expect(frame(503)?.headers[":exception-type"]).toBe("serviceUnavailableException");
    expect(frame(502)?.headers[":exception-type"]).toBe("internalServerException");
  });
});
