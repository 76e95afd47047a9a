import { describe, expect, it } from "vitest";
import { parseResponsesRequest } from "../../../../../shared/surfaces/responses/request.ts";
import { chatCompletionToResponse, responsesIds } from "../../../../../shared/surfaces/responses/response.ts";
import type { OpenAIChatCompletion } from "../../../../../shared/translation/openai/chat-schema.ts";

const ids = responsesIds("0190-abcd");
const request = parseResponsesRequest({
  model: "anthropic/claude-sonnet-4-5",
  input: "Hi",
  instructions: "Be brief.",
  temperature: 0.3,
  max_output_tokens: 50,
  metadata: { team: "a" },
});

function completion(overrides: Partial<OpenAIChatCompletion["choices"][number]> = {}): OpenAIChatCompletion {
  return {
    id: "msg_1",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "claude-sonnet-4-5",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "Hello", refusal: null },
        logprobs: null,
        finish_reason: "stop",
        ...overrides,
      },
    ],
    usage: {
      prompt_tokens: 17,
      completion_tokens: 5,
      total_tokens: 22,
      prompt_tokens_details: { cached_tokens: 3 },
    },
  };
}

describe("canonical completion -> Responses object", () => {
  it("gives a completed response with one message item, the request echoed and Responses usage", () => {
    expect(chatCompletionToResponse(completion(), request, ids)).toMatchObject({
      id: "resp_0190abcd",
      object: "response",
      created_at: 1_700_000_000,
      status: "completed",
      error: null,
      incomplete_details: null,
      instructions: "Be brief.",
      max_output_tokens: 50,
      temperature: 0.3,
      model: "claude-sonnet-4-5",
      store: false,
      metadata: { team: "a" },
      text: { format: { type: "text" } },
      output: [
        {
          id: "msg_0190abcd",
          type: "message",
          status: "completed",
          role: "assistant",
          content: [{ type: "output_text", text: "Hello", annotations: [] }],
        },
      ],
      usage: {
        input_tokens: 17,
        input_tokens_details: { cached_tokens: 3 },
        output_tokens: 5,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 22,
      },
    });
  });

  it("turns tool calls into function_call items", () => {
    const response = chatCompletionToResponse(
      completion({
        message: {
          role: "assistant",
          content: null,
          refusal: null,
          tool_calls: [{ id: "toolu_1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
        },
        finish_reason: "tool_calls",
      }),
      request,
      ids,
    );
    expect(response.status).toBe("completed");
    expect(response.output).toEqual([
      {
        id: "fc_0190abcd_0",
        type: "function_call",
        status: "completed",
        call_id: "toolu_1",
        name: "f",
        arguments: '{"a":1}',
      },
    ]);
  });

  it("is incomplete with reason max_output_tokens when the provider stopped on length", () => {
    const response = chatCompletionToResponse(completion({ finish_reason: "length" }), request, ids);
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(response.output[0]?.status).toBe("incomplete");
  });
});
