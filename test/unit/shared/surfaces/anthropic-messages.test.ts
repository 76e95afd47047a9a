import { describe, expect, it } from "vitest";
import { anthropicTranslator } from "../../../../shared/providers/anthropic/translator.ts";
import { anthropicSurfaceToChatRequest } from "../../../../shared/surfaces/anthropic-messages/request.ts";
import { chatCompletionToAnthropicMessage } from "../../../../shared/surfaces/anthropic-messages/response.ts";
import { createAnthropicSurfaceStream } from "../../../../shared/surfaces/anthropic-messages/stream.ts";
import { parseChatRequest } from "../../../../shared/translation/openai/chat-schema.ts";
import type { OpenAIChatChunk, OpenAIChatCompletion } from "../../../../shared/translation/types.ts";
import { loadFixtures } from "../translation/fixture-cases.ts";

describe("anthropic surface fixtures", () => {
  for (const [name, fixture] of loadFixtures("anthropic-surface")) {
    it(`${name}: ${fixture.description}`, () => {
      if (name.startsWith("request-")) {
        const canonical = anthropicSurfaceToChatRequest(fixture.request);
        expect(canonical).toEqual(fixture.expected);
        expect(() => parseChatRequest(canonical)).not.toThrow();
      } else if (name.startsWith("response-")) {
        expect(chatCompletionToAnthropicMessage(fixture.completion as OpenAIChatCompletion)).toEqual(
          fixture.expected,
        );
      } else {
        const stream = createAnthropicSurfaceStream(fixture.model as string, fixture.id as string);
        const events = [
          ...(fixture.chunks as OpenAIChatChunk[]).flatMap((chunk) => stream.push(chunk)),
          ...stream.finish(),
        ];
        expect(events).toEqual(fixture.expected);
      }
    });
  }
});

const base = { model: "openai/gpt-4o-mini", max_tokens: 100, messages: [{ role: "user", content: "hi" }] };

describe("anthropicSurfaceToChatRequest", () => {
  it.each([
    [{ tool_choice: { type: "auto" } }, "auto"],
    [{ tool_choice: { type: "none" } }, "none"],
    [{ tool_choice: { type: "tool", name: "f" } }, { type: "function", function: { name: "f" } }],
  ])("maps %j to the canonical tool_choice %j", (extra, expected) => {
    expect(anthropicSurfaceToChatRequest({ ...base, ...extra }).tool_choice).toEqual(expected);
  });

  it("maps output_config json_schema to response_format json_schema", () => {
    const schema = { type: "object", properties: {} };
    const request = anthropicSurfaceToChatRequest({
      ...base,
      output_config: { format: { type: "json_schema", schema } },
    });
    expect(request.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "response", schema, strict: true },
    });
  });

  it.each([
    [{ top_k: 5 }, "top_k"],
    [{ thinking: { type: "enabled", budget_tokens: 1024 } }, "thinking"],
  ])("refuses %j naming %s", (extra, name) => {
    expect(() => anthropicSurfaceToChatRequest({ ...base, ...extra })).toThrow(name);
  });

  it.each([
    [{ ...base, max_tokens: undefined }, "max_tokens"],
    [{ ...base, messages: [] }, "messages"],
    [{ ...base, messages: [{ role: "system", content: "x" }] }, "messages.0.role"],
  ])("refuses a malformed request with a 400 at %s", (body, where) => {
    expect(() => anthropicSurfaceToChatRequest(body)).toThrow(`at ${where}`);
  });

  it("marks a tool_result with is_error in the tool message text", () => {
    const request = anthropicSurfaceToChatRequest({
      ...base,
      messages: [
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "t", content: "boom", is_error: true }],
        },
      ],
    });
    expect(request.messages).toEqual([{ role: "tool", tool_call_id: "t", content: "Error: boom" }]);
  });

  it("round-trips through the Anthropic provider translator to the same Anthropic body", () => {
    const original = {
      model: "claude-sonnet-4-5",
      max_tokens: 300,
      system: "Be brief.",
      messages: [
        { role: "user", content: "Weather?" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "w", input: { c: "P" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "18C" }] },
      ],
      tools: [{ name: "w", input_schema: { type: "object" } }],
      tool_choice: { type: "auto" },
    };
    const canonical = parseChatRequest(anthropicSurfaceToChatRequest(original));
    const body = anthropicTranslator.toProviderRequest(canonical, "claude-sonnet-4-5").body;
    expect(body).toEqual({
      ...original,
      tool_choice: { type: "auto" },
      messages: [
        { role: "user", content: "Weather?" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "w", input: { c: "P" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "18C" }] },
      ],
    });
  });
});

describe("createAnthropicSurfaceStream", () => {
  it("closes with end_turn and zero usage when the upstream stream ends without finish or usage", () => {
    const stream = createAnthropicSurfaceStream("m", "msg");
    const events = [
      ...stream.push({
        id: "c",
        object: "chat.completion.chunk",
        created: 1,
        model: "m",
        choices: [{ index: 0, delta: { content: "x" }, logprobs: null, finish_reason: null }],
      }),
      ...stream.finish(),
    ];
    expect(events.map((event) => event.type)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: "end_turn" } });
  });
});
