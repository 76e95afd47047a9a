import { describe, expect, it } from "vitest";
import { createSseSplitter, parseSseEvent } from "../../../../../shared/checks/text/sse-events.ts";
import {
  detectStreamFormat,
  eventTextSlots,
  streamErrorEvent,
} from "../../../../../shared/checks/text/stream-text.ts";
import { GatewayError } from "../../../../../shared/core/gateway-error.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("createSseSplitter", () => {
  it("returns an event split across chunks once, whole, with its raw text kept", () => {
    const splitter = createSseSplitter();
    expect(splitter.push(bytes('event: x\ndata: {"a"'))).toEqual([]);
    const [event] = splitter.push(bytes(":1}\n\ndata: next"));
    expect(event).toEqual({ raw: 'event: x\ndata: {"a":1}\n\n', event: "x", data: '{"a":1}' });
    expect(splitter.end()).toEqual([{ raw: "data: next", event: null, data: "next" }]);
  });

  it("keeps a UTF-8 character split across chunks whole", () => {
    const splitter = createSseSplitter();
    const encoded = bytes("data: é\n\n");
    splitter.push(encoded.subarray(0, 7));
    expect(splitter.push(encoded.subarray(7))[0]?.data).toBe("é");
  });
});

describe("eventTextSlots", () => {
  it("finds and replaces OpenAI content and tool call argument deltas", () => {
    const event = {
      choices: [
        { index: 0, delta: { content: "hi", tool_calls: [{ index: 0, function: { arguments: '{"a' } }] } },
      ],
    };
    const slots = eventTextSlots("openai", event);
    expect(slots.map((slot) => slot.text)).toEqual(["hi", '{"a']);
    slots[0]?.replace("HI");
    expect(event.choices[0]?.delta.content).toBe("HI");
  });

  it("finds Anthropic text and input_json deltas only in content_block_delta events", () => {
    expect(
      eventTextSlots("anthropic", { type: "content_block_delta", delta: { type: "text_delta", text: "t" } }),
    ).toHaveLength(1);
    expect(eventTextSlots("anthropic", { type: "message_start", message: { content: [] } })).toEqual([]);
  });

  it("finds Gemini parts, Responses deltas and the Workers AI response", () => {
    expect(
      eventTextSlots("gemini", { candidates: [{ content: { parts: [{ text: "g" }] } }] }).map((s) => s.text),
    ).toEqual(["g"]);
    expect(eventTextSlots("responses", { type: "response.output_text.delta", delta: "r" })[0]?.text).toBe(
      "r",
    );
    expect(eventTextSlots("responses", { type: "response.output_text.done", text: "all" })).toEqual([]);
    expect(eventTextSlots("workers-ai", { response: "w" })[0]?.text).toBe("w");
  });
});

describe("detectStreamFormat", () => {
  it("tells the formats apart by shape", () => {
    expect(detectStreamFormat({ choices: [] })).toBe("openai");
    expect(detectStreamFormat({ type: "message_start" })).toBe("anthropic");
    expect(detectStreamFormat({ type: "response.created" })).toBe("responses");
    expect(detectStreamFormat({ candidates: [] })).toBe("gemini");
    expect(detectStreamFormat({ response: "" })).toBe("workers-ai");
    expect(detectStreamFormat({ other: 1 })).toBeNull();
  });
});

describe("streamErrorEvent", () => {
  const error = new GatewayError({ status: 400, code: 2030, message: "blocked" });
  const dataOf = (text: string) => JSON.parse(parseSseEvent(text).data ?? "null");

  it("writes each format's own in-band error event", () => {
    expect(dataOf(streamErrorEvent("openai", error)).error).toMatchObject({ message: "blocked", code: 2030 });
    const anthropic = streamErrorEvent("anthropic", error);
    expect(parseSseEvent(anthropic).event).toBe("error");
    expect(dataOf(anthropic)).toMatchObject({ type: "error", error: { message: "blocked" } });
    expect(dataOf(streamErrorEvent("gemini", error)).error).toMatchObject({
      code: 400,
      status: "INVALID_ARGUMENT",
    });
    expect(dataOf(streamErrorEvent("responses", error))).toMatchObject({ type: "error", code: "2030" });
    expect(dataOf(streamErrorEvent("workers-ai", error))).toMatchObject({
      success: false,
      errors: [{ code: 2030 }],
    });
  });
});
