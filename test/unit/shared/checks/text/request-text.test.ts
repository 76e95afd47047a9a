import { describe, expect, it } from "vitest";
import { requestTexts, rewriteRequestTexts } from "../../../../../shared/checks/text/request-text.ts";

const texts = (body: unknown) => requestTexts(body).map((found) => found.text);
const PNG_BASE64 = "iVBORw0KGgo".padEnd(600, "A");

describe("requestTexts", () => {
  it("reads OpenAI chat contents, parts, tool call arguments and tool results, not ids or images", () => {
    const body = {
      model: "gpt-4o",
      user: "someone@example.com",
      messages: [
        { role: "system", content: "be brief" },
        {
          role: "user",
          content: [
            { type: "text", text: "what is in this picture?" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
          ],
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"card"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "result text" },
      ],
    };
    expect(texts(body)).toEqual(["be brief", "what is in this picture?", '{"q":"card"}', "result text"]);
  });

  it("reads Anthropic system, text blocks, tool_use input and tool_result content, not base64 sources", () => {
    const body = {
      model: "claude",
      system: [{ type: "text", text: "system words" }],
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_BASE64 } },
            { type: "text", text: "hello" },
          ],
        },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "tu_1", name: "lookup", input: { q: "deep value" } }],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "tu_1", content: "tool said" }] },
      ],
    };
    expect(texts(body)).toEqual(["system words", "hello", "deep value", "tool said"]);
  });

  it("reads Gemini parts, function call args and responses, and the system instruction, not inline data", () => {
    const body = {
      systemInstruction: { parts: [{ text: "sys" }] },
      contents: [
        {
          role: "user",
          parts: [{ text: "hi" }, { inlineData: { mimeType: "image/png", data: PNG_BASE64 } }],
        },
        { role: "model", parts: [{ functionCall: { name: "f", args: { city: "Paris" } } }] },
        { role: "user", parts: [{ functionResponse: { name: "f", response: { weather: "sunny" } } }] },
      ],
      generationConfig: { temperature: 0 },
    };
    expect(texts(body)).toEqual(["sys", "hi", "Paris", "sunny"]);
  });

  it("reads Bedrock Converse text, toolUse input and toolResult content, not image bytes", () => {
    const body = {
      system: [{ text: "sys" }],
      messages: [
        {
          role: "user",
          content: [{ text: "hi" }, { image: { format: "png", source: { bytes: PNG_BASE64 } } }],
        },
        { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "f", input: { a: "arg" } } }] },
        {
          role: "user",
          content: [{ toolResult: { toolUseId: "t1", content: [{ text: "res" }, { json: { k: "v" } }] } }],
        },
      ],
    };
    expect(texts(body)).toEqual(["sys", "hi", "arg", "res", "v"]);
  });

  it("reads the Responses input items and instructions", () => {
    const body = {
      model: "gpt-4o",
      instructions: "be kind",
      input: [
        { role: "user", content: [{ type: "input_text", text: "question" }] },
        { type: "function_call", call_id: "c1", name: "f", arguments: '{"x":1}' },
        { type: "function_call_output", call_id: "c1", output: "answer" },
      ],
    };
    expect(texts(body)).toEqual(["be kind", "question", '{"x":1}', "answer"]);
    expect(texts({ model: "gpt-4o", input: "plain" })).toEqual(["plain"]);
  });

  it("reads Cohere v1 message, history and preamble, and Workers AI prompt", () => {
    expect(
      texts({
        message: "now",
        chat_history: [{ role: "USER", message: "before" }],
        preamble: "pre",
        model: "command",
      }),
    ).toEqual(["now", "before", "pre"]);
    expect(texts({ prompt: "tell me", max_tokens: 5 })).toEqual(["tell me"]);
  });
});

describe("rewriteRequestTexts", () => {
  it("rewrites the text strings and leaves the rest of the body as it was", () => {
    const body = { model: "m", messages: [{ role: "user", content: "my secret" }] };
    const rewritten = rewriteRequestTexts(body, (text) => text.replace("secret", "[REDACTED]"));
    expect(rewritten).toEqual({ model: "m", messages: [{ role: "user", content: "my [REDACTED]" }] });
    expect(body.messages[0]?.content).toBe("my secret");
  });

  it("returns the same object when nothing changed", () => {
    const body = { messages: [{ role: "user", content: "fine" }] };
    expect(rewriteRequestTexts(body, (text) => text)).toBe(body);
  });
});
