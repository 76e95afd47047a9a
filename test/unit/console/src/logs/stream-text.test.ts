import { describe, expect, it } from "vitest";
import { parseEventStream, reassembleText } from "../../../../../console/src/logs/stream-text.ts";

describe("parseEventStream", () => {
  it("reads the events of a logged SSE body, named or not", () => {
    const events = parseEventStream('event: message_start\ndata: {"a":1}\n\ndata: [DONE]\n\n');
    expect(events).toEqual([
      { event: "message_start", data: '{"a":1}' },
      { event: null, data: "[DONE]" },
    ]);
  });

  it("returns null for a body that is not a stream", () => {
    expect(parseEventStream("plain text")).toBeNull();
    expect(parseEventStream("database: up")).toBeNull();
  });
});

describe("reassembleText", () => {
  it("joins the deltas of OpenAI, Anthropic, Gemini and Responses streams", () => {
    const text = reassembleText([
      { event: null, data: JSON.stringify({ choices: [{ delta: { content: "Hel" } }] }) },
      {
        event: "content_block_delta",
        data: JSON.stringify({ type: "content_block_delta", delta: { text: "lo" } }),
      },
      { event: null, data: JSON.stringify({ candidates: [{ content: { parts: [{ text: ", " }] } }] }) },
      { event: null, data: JSON.stringify({ type: "response.output_text.delta", delta: "world" }) },
      { event: null, data: "[DONE]" },
    ]);
    expect(text).toBe("Hello, world");
  });
});
