import { describe, expect, it } from "vitest";
import {
  requestBodyText,
  responseBodyText,
  StreamEventText,
} from "../../../../../shared/checks/guardrails/body-text.ts";

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("requestBodyText", () => {
  it.each([
    [
      "OpenAI Chat Completions, with a tool call's arguments and a tool result",
      {
        model: "gpt-4o",
        messages: [
          { role: "system", content: "Be brief." },
          {
            role: "user",
            content: [
              { type: "text", text: "Hi" },
              { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
            ],
          },
          {
            role: "assistant",
            tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: '{"q":"x"}' } }],
          },
          { role: "tool", tool_call_id: "call_1", content: "42" },
        ],
      },
      ["Be brief.", "Hi", '{"q":"x"}', "42"],
    ],
    [
      "Anthropic Messages, with a base64 image that is not read",
      {
        model: "claude",
        system: "Sys",
        messages: [
          {
            role: "user",
            content: [
              { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
              { type: "text", text: "What is it?" },
            ],
          },
        ],
      },
      ["Sys", "What is it?"],
    ],
    ["Gemini", { contents: [{ role: "user", parts: [{ text: "Bonjour" }] }] }, ["Bonjour"]],
    [
      "Bedrock Converse",
      { messages: [{ role: "user", content: [{ text: "Hallo" }] }], system: [{ text: "S" }] },
      ["Hallo", "S"],
    ],
    [
      "OpenAI Responses",
      {
        model: "m",
        instructions: "I",
        input: [{ role: "user", content: [{ type: "input_text", text: "Q" }] }],
      },
      ["I", "Q"],
    ],
    ["embeddings", { model: "m", input: ["one", "two"] }, ["one", "two"]],
  ])("reads the words of %s, never ids, models, roles or URLs", (_format, body, expected) => {
    expect(requestBodyText(bytes(body)).split("\n")).toEqual(expected);
  });

  it("reads nothing from a body that is not JSON", () => {
    expect(requestBodyText(new TextEncoder().encode("not json"))).toBe("");
    expect(requestBodyText(null)).toBe("");
  });
});

describe("StreamEventText", () => {
  it.each([
    ["an OpenAI chunk", { choices: [{ index: 0, delta: { content: "Hel" } }] }, "Hel"],
    [
      "an Anthropic text delta",
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "lo" } },
      "lo",
    ],
    [
      "an Anthropic tool input delta",
      { type: "content_block_delta", delta: { type: "input_json_delta", partial_json: '{"a"' } },
      '{"a"',
    ],
    ["a Gemini chunk", { candidates: [{ content: { role: "model", parts: [{ text: "Hi" }] } }] }, "Hi"],
    ["a Responses text delta", { type: "response.output_text.delta", delta: "Yo" }, "Yo"],
    [
      "a Responses done event, whose text was already streamed",
      { type: "response.output_text.done", text: "Yo" },
      "",
    ],
    ["a usage chunk", { choices: [], usage: { prompt_tokens: 1 } }, ""],
  ])("reads %s", (_what, event, expected) => {
    expect(new StreamEventText().of(event)).toBe(expected);
  });
});

describe("responseBodyText", () => {
  it("reads what the user sees in a whole answer, not the echoed request", () => {
    const answer = {
      id: "chatcmpl-1",
      model: "gpt-4o",
      choices: [
        { index: 0, message: { role: "assistant", content: "Hello guard:S1" }, finish_reason: "stop" },
      ],
    };
    expect(responseBodyText(bytes(answer))).toBe("Hello guard:S1");
  });
});

describe("StreamEventText of a stream in no known format", () => {
  it("reads a Cohere content delta by its text", () => {
    const reader = new StreamEventText();
    const event = { type: "content-delta", index: 0, delta: { message: { content: { text: "Hi" } } } };
    expect(reader.of(event)).toBe("Hi");
  });
});
