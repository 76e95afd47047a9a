import { describe, expect, it } from "vitest";
import { translatorFor } from "../../../../shared/providers/registry.ts";
import { parseDataUrl } from "../../../../shared/translation/common/content.ts";
import { toOpenAIUsage } from "../../../../shared/translation/common/usage.ts";
import { clientAskedForUsage, isUsageChunk, parseChatRequest } from "../../../../shared/translation/index.ts";

describe.each(["anthropic", "aws-bedrock", "google-ai-studio"])("%s malformed conversations", (provider) => {
  const translator = translatorFor(provider);
  if (translator === undefined) throw new Error(`${provider} has a translator`);

  it("refuses a tool message that answers no earlier tool call, naming the message", () => {
    const request = parseChatRequest({
      messages: [
        { role: "user", content: "hi" },
        { role: "tool", tool_call_id: "orphan", content: "x" },
      ],
    });
    expect(() => translator.toProviderRequest(request, "m")).toThrow(
      'messages[1]: tool_call_id "orphan" answers no earlier tool call',
    );
  });

  it("refuses a tool result given before its call", () => {
    const request = parseChatRequest({
      messages: [
        { role: "user", content: "hi" },
        { role: "tool", tool_call_id: "c1", content: "x" },
        {
          role: "assistant",
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
        },
      ],
    });
    expect(() => translator.toProviderRequest(request, "m")).toThrow(/messages\[1\]/);
  });

  it("refuses tool_choice required without tools", () => {
    const request = parseChatRequest({
      messages: [{ role: "user", content: "hi" }],
      tool_choice: "required",
    });
    expect(() => translator.toProviderRequest(request, "m")).toThrow("tool_choice: requires tools");
  });
});

describe("gemini model path", () => {
  it("accepts a model id with Gemini's own models/ prefix", () => {
    const request = parseChatRequest({ messages: [{ role: "user", content: "hi" }] });
    expect(
      translatorFor("google-ai-studio")?.toProviderRequest(request, "models/gemini-2.5-flash").path,
    ).toBe("v1beta/models/gemini-2.5-flash:generateContent");
  });
});

describe("usage normalisation", () => {
  it("counts cache reads and writes inside prompt_tokens once, and cache reads as cached_tokens", () => {
    expect(toOpenAIUsage({ uncachedInput: 10, cacheRead: 100, cacheWrite: 20, output: 5 })).toEqual({
      prompt_tokens: 130,
      completion_tokens: 5,
      total_tokens: 135,
      prompt_tokens_details: { cached_tokens: 100 },
    });
  });

  it("tells whether the client asked for the usage chunk", () => {
    const asked = parseChatRequest({
      messages: [{ role: "user", content: "x" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const silent = parseChatRequest({ messages: [{ role: "user", content: "x" }], stream: true });
    expect(clientAskedForUsage(asked)).toBe(true);
    expect(clientAskedForUsage(silent)).toBe(false);
  });

  it("recognises the usage chunk by its empty choices", () => {
    const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
    expect(
      isUsageChunk({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [], usage }),
    ).toBe(true);
    expect(
      isUsageChunk({
        id: "c",
        object: "chat.completion.chunk",
        created: 1,
        model: "m",
        choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }],
      }),
    ).toBe(false);
  });
});

describe("parseDataUrl", () => {
  it("reads the media type and the base64 payload", () => {
    expect(parseDataUrl("data:image/webp;base64,UklGR")).toEqual({
      mediaType: "image/webp",
      base64: "UklGR",
    });
  });

  it("ignores URLs that are not base64 data URLs", () => {
    expect(parseDataUrl("https://example.com/a.png")).toBeUndefined();
    expect(parseDataUrl("data:text/plain,hello")).toBeUndefined();
  });
});
