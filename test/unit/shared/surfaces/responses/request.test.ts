import { describe, expect, it } from "vitest";
import {
  parseResponsesRequest,
  responsesToChatRequest,
} from "../../../../../shared/surfaces/responses/request.ts";

const bridge = (body: Record<string, unknown>) =>
  responsesToChatRequest(
    parseResponsesRequest({ model: "anthropic/claude-sonnet-4-5", ...body }),
    "anthropic",
  );

describe("Responses request -> canonical chat request", () => {
  it("turns a string input and instructions into a system and a user message", () => {
    expect(bridge({ input: "Hi", instructions: "Be brief." })).toEqual({
      model: "anthropic/claude-sonnet-4-5",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
    });
  });

  it("maps message items and their content parts, assistant output_text included", () => {
    const chat = bridge({
      input: [
        { role: "developer", content: [{ type: "input_text", text: "Rules" }] },
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is this?" },
            { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "low" },
          ],
        },
        {
          type: "message",
          role: "assistant",
          content: [{ type: "output_text", text: "A cat.", annotations: [] }],
        },
      ],
    });
    expect(chat.messages).toEqual([
      { role: "developer", content: [{ type: "text", text: "Rules" }] },
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "low" } },
        ],
      },
      { role: "assistant", content: "A cat." },
    ]);
  });

  it("puts consecutive function_call items on one assistant message and outputs on tool messages", () => {
    const chat = bridge({
      input: [
        { role: "user", content: "Weather in Paris and Rome?" },
        { type: "function_call", call_id: "c1", name: "weather", arguments: '{"city":"Paris"}', id: "fc_1" },
        { type: "function_call", call_id: "c2", name: "weather", arguments: '{"city":"Rome"}' },
        { type: "function_call_output", call_id: "c1", output: "18C" },
        { type: "function_call_output", call_id: "c2", output: [{ type: "input_text", text: "21C" }] },
      ],
    });
    expect(chat.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "c1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
          { id: "c2", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: "tool", tool_call_id: "c1", content: "18C" },
      { role: "tool", tool_call_id: "c2", content: [{ type: "text", text: "21C" }] },
    ]);
  });

  it("maps function tools, tool_choice, sampling, max_output_tokens, json_schema and stream", () => {
    const chat = bridge({
      input: "Hi",
      tools: [
        { type: "function", name: "f", description: "d", parameters: { type: "object" }, strict: true },
      ],
      tool_choice: { type: "function", name: "f" },
      parallel_tool_calls: false,
      max_output_tokens: 100,
      temperature: 0.5,
      top_p: 0.9,
      user: "u1",
      text: { format: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true } },
      stream: true,
      store: false,
    });
    expect(chat).toMatchObject({
      tools: [
        {
          type: "function",
          function: { name: "f", description: "d", parameters: { type: "object" }, strict: true },
        },
      ],
      tool_choice: { type: "function", function: { name: "f" } },
      parallel_tool_calls: false,
      max_tokens: 100,
      temperature: 0.5,
      top_p: 0.9,
      user: "u1",
      response_format: {
        type: "json_schema",
        json_schema: { name: "answer", schema: { type: "object" }, strict: true },
      },
      stream: true,
    });
    expect(chat).not.toHaveProperty("store");
  });

  it.each([
    ["previous_response_id", { previous_response_id: "resp_1" }],
    ["store", { store: true }],
    ["background", { background: true }],
    ["reasoning", { reasoning: { effort: "low" } }],
    ["conversation", { conversation: "conv_1" }],
    ["include", { include: ["reasoning.encrypted_content"] }],
    ["truncation", { truncation: "auto" }],
    ["prompt_cache_key", { prompt_cache_key: "k" }],
    ["text", { text: { verbosity: "low" } }],
  ])("refuses %s by name with a 400", (name, extra) => {
    expect(() => bridge({ input: "Hi", ...extra })).toThrow(
      expect.objectContaining({ status: 400, message: expect.stringContaining(name) }),
    );
  });

  it.each([
    ["a built-in tool", { tools: [{ type: "web_search" }] }, /tools\[0\].*web_search/],
    ["a built-in tool_choice", { tool_choice: { type: "file_search" } }, /tool_choice.*file_search/],
    ["a reasoning input item", { input: [{ type: "reasoning", summary: [] }] }, /input\[0\].*reasoning/],
    [
      "an image by file_id",
      { input: [{ role: "user", content: [{ type: "input_image", file_id: "file_1", detail: "auto" }] }] },
      /file_id/,
    ],
    [
      "an input_file",
      { input: [{ role: "user", content: [{ type: "input_file", file_id: "f" }] }] },
      /input_file/,
    ],
    [
      "a function_call without call_id",
      { input: [{ type: "function_call", name: "f", arguments: "{}" }] },
      /call_id/,
    ],
    ["an empty input list", { input: [] }, /no input items/],
  ])("refuses %s with a 400 naming it", (_name, body, message) => {
    expect(() => bridge({ input: "Hi", ...body })).toThrow(message);
  });

  it("keeps neutral values of unbridged fields (store: false, truncation: disabled, include: [])", () => {
    expect(() =>
      bridge({
        input: "Hi",
        store: false,
        truncation: "disabled",
        include: [],
        background: false,
        service_tier: "auto",
      }),
    ).not.toThrow();
  });

  it("refuses a body without model or input", () => {
    expect(() => parseResponsesRequest({ input: "Hi" })).toThrow(/model/);
    expect(() => parseResponsesRequest({ model: "x/y" })).toThrow(/input/);
  });
});
