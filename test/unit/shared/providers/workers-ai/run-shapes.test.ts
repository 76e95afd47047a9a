import { describe, expect, it } from "vitest";
import { workersAiInputToChat } from "../../../../../shared/providers/workers-ai/run-input.ts";
import {
  createWorkersAiStream,
  workersAiResult,
} from "../../../../../shared/providers/workers-ai/run-result.ts";
import type { OpenAIChatChunk } from "../../../../../shared/translation/openai/chat-schema.ts";

const chunk = (delta: OpenAIChatChunk["choices"][number]["delta"]): OpenAIChatChunk => ({
  id: "c",
  object: "chat.completion.chunk",
  created: 0,
  model: "m",
  choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
});

describe("workersAiInputToChat", () => {
  it("makes a prompt one user turn and keeps the sampling fields", () => {
    expect(workersAiInputToChat({ prompt: "Hi", max_tokens: 10, temperature: 0.2 }, "@cf/x/y")).toMatchObject(
      {
        model: "@cf/x/y",
        messages: [{ role: "user", content: "Hi" }],
        max_tokens: 10,
        temperature: 0.2,
      },
    );
  });

  it("turns Workers AI's {name, description, parameters} tools into OpenAI function tools", () => {
    const chat = workersAiInputToChat(
      {
        messages: [{ role: "user", content: "Hi" }],
        tools: [{ name: "f", description: "d", parameters: { type: "object", properties: {} } }],
      },
      "@cf/x/y",
    );
    expect(chat.tools).toEqual([
      {
        type: "function",
        function: { name: "f", description: "d", parameters: { type: "object", properties: {} } },
      },
    ]);
  });

  it.each([
    [{ prompt: "Hi", top_k: 3 }, "not supported here: top_k"],
    [{ prompt: "Hi", raw: true, lora: "x" }, "fields not supported here: raw, lora"],
    [{}, 'either "prompt" or "messages"'],
    [{ prompt: 5 }, "Invalid Workers AI input at prompt"],
    [{ prompt: "Hi", max_tokens: -1 }, "Invalid Workers AI input at max_tokens"],
  ])("refuses %j with a 400 naming the problem", (input, message) => {
    expect(() => workersAiInputToChat(input, "@cf/x/y")).toThrow(message);
  });
});

describe("Workers AI answers", () => {
  it("writes a completion as the v4 envelope with Workers AI's tool calls", () => {
    expect(
      workersAiResult({
        id: "c",
        object: "chat.completion",
        created: 0,
        model: "m",
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: null,
              refusal: null,
              tool_calls: [{ id: "1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
            },
            logprobs: null,
            finish_reason: "tool_calls",
          },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      }),
    ).toEqual({
      result: {
        response: "",
        tool_calls: [{ name: "f", arguments: { a: 1 } }],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      },
      success: true,
      errors: [],
      messages: [],
    });
  });

  it("streams text pieces, then the tool calls assembled from their deltas, then usage and [DONE]", () => {
    const stream = createWorkersAiStream();
    const out = [
      stream.push(chunk({ role: "assistant", content: "Hel" })),
      stream.push(chunk({ content: "lo" })),
      stream.push(
        chunk({
          tool_calls: [{ index: 0, id: "1", type: "function", function: { name: "f", arguments: '{"a"' } }],
        }),
      ),
      stream.push(chunk({ tool_calls: [{ index: 0, function: { arguments: ":1}" } }] })),
      stream.push({
        ...chunk({}),
        choices: [],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      }),
      stream.finish(),
    ].join("");
    expect(out).toBe(
      [
        'data: {"response":"Hel"}',
        'data: {"response":"lo"}',
        'data: {"response":"","tool_calls":[{"name":"f","arguments":{"a":1}}]}',
        'data: {"response":"","usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}',
        "data: [DONE]",
        "",
      ].join("\n\n"),
    );
  });
});
