import { describe, expect, it } from "vitest";
import { extractOpenAIUsage } from "../../../../../shared/providers/openai-compatible/usage.ts";
import type { TokenUsage } from "../../../../../shared/providers/usage/types.ts";
import {
  expectSameAcrossSplits,
  JSON_TYPE,
  observeBody,
  SSE,
  sseEvent,
  typedSseEvents,
  usage,
} from "../usage/helpers.ts";

const MODEL = "gpt-4o-2024-08-06";

/** Chat Completions usage as documented, with prompt caching: cached tokens are INSIDE prompt_tokens. */
const CHAT_USAGE = {
  prompt_tokens: 2006,
  completion_tokens: 300,
  total_tokens: 2306,
  prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
};
const CHAT_EXPECTED = usage({ tokensIn: 2006, tokensOut: 300, cacheReadTokens: 1920, model: MODEL });

const chatBody = {
  id: "chatcmpl-123",
  object: "chat.completion",
  created: 1_728_000_000,
  model: MODEL,
  choices: [{ index: 0, message: { role: "assistant", content: "Hello! 👋" }, finish_reason: "stop" }],
  usage: CHAT_USAGE,
};

function chunk(delta: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: "chatcmpl-123",
    object: "chat.completion.chunk",
    created: 1_728_000_000,
    model: MODEL,
    system_fingerprint: "fp_1",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
    ...extra,
  };
}

/** A streamed completion; with include_usage every chunk has `usage: null` and a last chunk has usage. */
function chatStream(includeUsage: boolean): string[] {
  const nullUsage = includeUsage ? { usage: null } : {};
  const events = [
    sseEvent(chunk({ role: "assistant", content: "" }, nullUsage)),
    sseEvent(chunk({ content: "Hello" }, nullUsage)),
    sseEvent(chunk({ content: "! 👋 — déjà vu" }, nullUsage)),
    sseEvent({ ...chunk({}, nullUsage), choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }),
  ];
  if (includeUsage) events.push(sseEvent({ ...chunk({}), choices: [], usage: CHAT_USAGE }));
  events.push(sseEvent("[DONE]"));
  return events;
}

const RESPONSE_MODEL = "gpt-4.1-2025-04-14";
const RESPONSES_USAGE = {
  input_tokens: 125,
  input_tokens_details: { cached_tokens: 98 },
  output_tokens: 48,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 173,
};
const RESPONSES_EXPECTED = usage({
  tokensIn: 125,
  tokensOut: 48,
  cacheReadTokens: 98,
  model: RESPONSE_MODEL,
});

function responseObject(status: string, usageValue: unknown) {
  return {
    id: "resp_1",
    object: "response",
    created_at: 1_741_000_000,
    status,
    model: RESPONSE_MODEL,
    output: [],
    usage: usageValue,
  };
}

const responsesStream = typedSseEvents([
  { type: "response.created", sequence_number: 0, response: responseObject("in_progress", null) } as {
    type: string;
  },
  { type: "response.in_progress", sequence_number: 1, response: responseObject("in_progress", null) },
  {
    type: "response.output_text.delta",
    sequence_number: 2,
    item_id: "msg_1",
    output_index: 0,
    content_index: 0,
    delta: "Hi",
  },
  {
    type: "response.output_text.done",
    sequence_number: 3,
    item_id: "msg_1",
    output_index: 0,
    content_index: 0,
    text: "Hi",
  },
  { type: "response.completed", sequence_number: 4, response: responseObject("completed", RESPONSES_USAGE) },
]);

const cases: { name: string; contentType: string | null; chunks: string[]; expected: TokenUsage }[] = [
  {
    name: "chat completion body",
    contentType: JSON_TYPE,
    chunks: [JSON.stringify(chatBody)],
    expected: CHAT_EXPECTED,
  },
  {
    name: "chat stream with include_usage",
    contentType: SSE,
    chunks: chatStream(true),
    expected: CHAT_EXPECTED,
  },
  {
    name: "chat stream without include_usage: no usage, nulls not zeros",
    contentType: SSE,
    chunks: chatStream(false),
    expected: usage({ model: MODEL }),
  },
  {
    name: "chat stream, several events per chunk",
    contentType: SSE,
    chunks: [chatStream(true).join("")],
    expected: CHAT_EXPECTED,
  },
  {
    name: "Responses API body",
    contentType: JSON_TYPE,
    chunks: [JSON.stringify(responseObject("completed", RESPONSES_USAGE))],
    expected: RESPONSES_EXPECTED,
  },
  {
    name: "Responses API stream (response.completed)",
    contentType: SSE,
    chunks: responsesStream,
    expected: RESPONSES_EXPECTED,
  },
  {
    name: "Responses API stream ending in response.incomplete",
    contentType: SSE,
    chunks: typedSseEvents([
      { type: "response.created", response: responseObject("in_progress", null) },
      {
        type: "response.incomplete",
        response: responseObject("incomplete", { ...RESPONSES_USAGE, output_tokens: 16 }),
      },
    ]),
    expected: { ...RESPONSES_EXPECTED, tokensOut: 16 },
  },
  {
    name: "embeddings: prompt tokens only, output 0",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        object: "list",
        data: [{ object: "embedding", index: 0, embedding: [0.0023, -0.0093] }],
        model: "text-embedding-3-small",
        usage: { prompt_tokens: 8, total_tokens: 8 },
      }),
    ],
    expected: usage({ tokensIn: 8, tokensOut: 0, model: "text-embedding-3-small" }),
  },
  {
    name: "OpenAI-compatible provider without prompt_tokens_details: cache unknown",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        model: "llama-3.3-70b",
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      }),
    ],
    expected: usage({ tokensIn: 10, tokensOut: 5, model: "llama-3.3-70b" }),
  },
  {
    name: "DeepSeek cache hits (inside prompt_tokens)",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        model: "deepseek-chat",
        usage: {
          prompt_tokens: 1000,
          completion_tokens: 20,
          total_tokens: 1020,
          prompt_cache_hit_tokens: 900,
          prompt_cache_miss_tokens: 100,
        },
      }),
    ],
    expected: usage({ tokensIn: 1000, tokensOut: 20, cacheReadTokens: 900, model: "deepseek-chat" }),
  },
  {
    name: "cache writes reported in prompt_tokens_details (inside prompt_tokens)",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        model: MODEL,
        usage: {
          prompt_tokens: 2600,
          completion_tokens: 1,
          total_tokens: 2601,
          prompt_tokens_details: { cached_tokens: 2000, cache_write_tokens: 400 },
        },
      }),
    ],
    expected: usage({
      tokensIn: 2600,
      tokensOut: 1,
      cacheReadTokens: 2000,
      cacheWriteTokens: 400,
      model: MODEL,
    }),
  },
  {
    name: "Groq streamed usage under x_groq",
    contentType: SSE,
    chunks: [
      sseEvent(chunk({ content: "Hi" })),
      sseEvent({
        ...chunk({}),
        x_groq: { id: "req_1", usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } },
      }),
      sseEvent("[DONE]"),
    ],
    expected: usage({ tokensIn: 12, tokensOut: 3, model: MODEL }),
  },
  {
    name: "error body: no usage",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({ error: { message: "Rate limit", type: "requests", code: "rate_limit_exceeded" } }),
    ],
    expected: usage({}),
  },
];

describe("OpenAI usage", () => {
  it.each(cases)("$name", ({ contentType, chunks, expected }) => {
    expectSameAcrossSplits("openai", contentType, chunks, expected);
  });

  it("never adds cached tokens to prompt tokens", () => {
    const result = observeBody("openai", JSON_TYPE, JSON.stringify(chatBody));
    expect(result.tokensIn).toBe(CHAT_USAGE.prompt_tokens);
    expect(result.cacheReadTokens).toBeLessThanOrEqual(result.tokensIn ?? 0);
  });

  it("stops at an abort before the usage chunk: nulls for the counts", () => {
    const events = chatStream(true);
    expect(observeBody("openai", SSE, events.slice(0, 3).join(""))).toEqual(usage({ model: MODEL }));
  });

  it("ignores `usage: null` on ordinary chunks", () => {
    expect(extractOpenAIUsage(chunk({ content: "x" }, { usage: null }))).toEqual({ model: MODEL });
  });

  it("reads nothing from values that are not objects", () => {
    for (const value of [null, 3, "usage", [], true]) expect(extractOpenAIUsage(value)).toBeNull();
  });
});
