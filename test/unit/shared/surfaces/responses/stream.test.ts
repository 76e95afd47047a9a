import { describe, expect, it } from "vitest";
import { parseResponsesRequest } from "../../../../../shared/surfaces/responses/request.ts";
import { responsesIds } from "../../../../../shared/surfaces/responses/response.ts";
import {
  createResponsesEventStream,
  type ResponsesEvent,
} from "../../../../../shared/surfaces/responses/stream.ts";
import type { OpenAIChatChunk } from "../../../../../shared/translation/openai/chat-schema.ts";

const request = parseResponsesRequest({ model: "google-ai-studio/gemini-2.5-flash", input: "Hi" });

function chunk(
  delta: OpenAIChatChunk["choices"][number]["delta"],
  finish: OpenAIChatChunk["choices"][number]["finish_reason"] = null,
): OpenAIChatChunk {
  return {
    id: "c",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "gemini-2.5-flash",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
}

const usageChunk: OpenAIChatChunk = {
  id: "c",
  object: "chat.completion.chunk",
  created: 1_700_000_000,
  model: "gemini-2.5-flash",
  choices: [],
  usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
};

function run(chunks: OpenAIChatChunk[]): ResponsesEvent[] {
  const stream = createResponsesEventStream(request, responsesIds("id-1"), "gemini-2.5-flash");
  return [...chunks.flatMap((value) => stream.push(value)), ...stream.finish()];
}

describe("canonical chunks -> Responses stream events", () => {
  it("emits OpenAI's text sequence with increasing sequence numbers and usage on response.completed", () => {
    const events = run([
      chunk({ role: "assistant" }),
      chunk({ content: "Hel" }),
      chunk({ content: "lo" }),
      chunk({}, "stop"),
      usageChunk,
    ]);
    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events[0]).toMatchObject({ response: { id: "resp_id1", status: "in_progress", output: [] } });
    expect(events[4]).toMatchObject({ item_id: "msg_id1", output_index: 0, content_index: 0, delta: "Hel" });
    expect(events[6]).toMatchObject({ text: "Hello" });
    expect(events[8]).toMatchObject({ item: { type: "message", status: "completed" } });
    expect(events.at(-1)).toMatchObject({
      response: {
        status: "completed",
        output: [{ content: [{ type: "output_text", text: "Hello" }] }],
        usage: { input_tokens: 12, output_tokens: 5, total_tokens: 17 },
      },
    });
  });

  it("gives each tool call its own function_call item with argument deltas, closing the text first", () => {
    const events = run([
      chunk({ role: "assistant", content: "Let me check." }),
      chunk({
        tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "f", arguments: "" } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] }),
      chunk({
        tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "g", arguments: "{}" } }],
      }),
      chunk({}, "tool_calls"),
    ]);
    const types = events.map((event) => event.type);
    expect(types.slice(2)).toEqual([
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.find((event) => event.type === "response.function_call_arguments.done")).toMatchObject({
      item_id: "fc_id1_0",
      output_index: 1,
      name: "f",
      arguments: '{"x":1}',
    });
    expect(events.at(-1)).toMatchObject({
      response: {
        output: [
          { type: "message" },
          { type: "function_call", call_id: "call_a", name: "f", arguments: '{"x":1}', status: "completed" },
          { type: "function_call", call_id: "call_b", name: "g", arguments: "{}" },
        ],
      },
    });
  });

  it("opens a new message item, with its own id, for text that follows a function call", () => {
    const events = run([
      chunk({ content: "First." }),
      chunk({
        tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "f", arguments: "{}" } }],
      }),
      chunk({ content: "Then." }),
      chunk({}, "stop"),
    ]);
    const added = events.filter((event) => event.type === "response.output_item.added");
    expect(added.map((event) => (event.item as { id: string }).id)).toEqual([
      "msg_id1",
      "fc_id1_0",
      "msg_id1_1",
    ]);
    expect(added.map((event) => event.output_index)).toEqual([0, 1, 2]);
  });

  it("ends with response.incomplete when the provider stopped on length", () => {
    const events = run([chunk({ content: "Hi" }), chunk({}, "length")]);
    expect(events.at(-1)).toMatchObject({
      type: "response.incomplete",
      response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } },
    });
  });

  it("reports a mid-stream provider error as an error event, and nothing after it", () => {
    const stream = createResponsesEventStream(request, responsesIds("id-1"), "m");
    stream.push(chunk({ content: "Hi" }));
    const [error] = stream.error("server_error", "overloaded");
    expect(error).toMatchObject({ type: "error", code: "server_error", message: "overloaded", param: null });
    expect(stream.finish()).toEqual([]);
  });
});
