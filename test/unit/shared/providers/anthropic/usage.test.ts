import { describe, expect, it } from "vitest";
import { extractAnthropicUsage } from "../../../../../shared/providers/anthropic/usage.ts";
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

const MODEL = "claude-sonnet-4-5-20250929";

/** Anthropic counts cache reads and writes OUTSIDE input_tokens: tokensIn = 50 + 2000 + 1000. */
const CACHED_USAGE = {
  input_tokens: 50,
  cache_creation_input_tokens: 1000,
  cache_read_input_tokens: 2000,
  output_tokens: 300,
};
const CACHED_EXPECTED = usage({
  tokensIn: 3050,
  tokensOut: 300,
  cacheReadTokens: 2000,
  cacheWriteTokens: 1000,
  model: MODEL,
});

function message(usageValue: Record<string, unknown>) {
  return {
    id: "msg_01",
    type: "message",
    role: "assistant",
    model: MODEL,
    content: [{ type: "text", text: "Bonjour — ça va ? 🎉" }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: usageValue,
  };
}

const messageStart = {
  type: "message_start",
  message: {
    ...message({ ...CACHED_USAGE, output_tokens: 1 }),
    content: [],
    stop_reason: null,
  },
};
const contentEvents = [
  { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
  { type: "ping" },
  { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Bonjour — ça va ? " } },
  { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "🎉" } },
  { type: "content_block_stop", index: 0 },
];
const messageDelta = {
  type: "message_delta",
  delta: { stop_reason: "end_turn", stop_sequence: null },
  usage: { output_tokens: 300 },
};
const fullStream = typedSseEvents([messageStart, ...contentEvents, messageDelta, { type: "message_stop" }]);

const cases: { name: string; contentType: string | null; chunks: string[]; expected: TokenUsage }[] = [
  {
    name: "message body with cache reads and writes",
    contentType: JSON_TYPE,
    chunks: [JSON.stringify(message(CACHED_USAGE))],
    expected: CACHED_EXPECTED,
  },
  {
    name: "message body without caching",
    contentType: "application/json; charset=utf-8",
    chunks: [JSON.stringify(message({ input_tokens: 25, output_tokens: 12 }))],
    expected: usage({ tokensIn: 25, tokensOut: 12, model: MODEL }),
  },
  {
    name: "message body with null cache counts",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify(
        message({
          input_tokens: 25,
          output_tokens: 12,
          cache_creation_input_tokens: null,
          cache_read_input_tokens: null,
        }),
      ),
    ],
    expected: usage({ tokensIn: 25, tokensOut: 12, model: MODEL }),
  },
  {
    name: "stream: message_start gives input and cache, message_delta the cumulative output",
    contentType: SSE,
    chunks: fullStream,
    expected: CACHED_EXPECTED,
  },
  {
    name: "stream: cumulative input figures repeated in message_delta",
    contentType: SSE,
    chunks: typedSseEvents([
      messageStart,
      ...contentEvents,
      { ...messageDelta, usage: { ...CACHED_USAGE, output_tokens: 300 } },
      { type: "message_stop" },
    ]),
    expected: CACHED_EXPECTED,
  },
  {
    name: "stream: message_delta with null input figures keeps message_start's",
    contentType: SSE,
    chunks: typedSseEvents([
      messageStart,
      {
        ...messageDelta,
        usage: {
          output_tokens: 300,
          input_tokens: null,
          cache_read_input_tokens: null,
          cache_creation_input_tokens: null,
        },
      },
    ]),
    expected: CACHED_EXPECTED,
  },
  {
    name: "stream: several message_delta events, the last output count wins",
    contentType: SSE,
    chunks: typedSseEvents([messageStart, { ...messageDelta, usage: { output_tokens: 120 } }, messageDelta]),
    expected: CACHED_EXPECTED,
  },
  {
    name: "stream with an error event after message_start",
    contentType: SSE,
    chunks: typedSseEvents([
      messageStart,
      { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    ]),
    expected: { ...CACHED_EXPECTED, tokensOut: 1 },
  },
  {
    name: "OpenAI-compatible endpoint (Chat Completions shape)",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        model: MODEL,
        object: "chat.completion",
        usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
      }),
    ],
    expected: usage({ tokensIn: 9, tokensOut: 4, model: MODEL }),
  },
  {
    name: "error body",
    contentType: JSON_TYPE,
    chunks: [JSON.stringify({ type: "error", error: { type: "invalid_request_error", message: "bad" } })],
    expected: usage({}),
  },
];

describe("Anthropic usage", () => {
  it.each(cases)("$name", ({ contentType, chunks, expected }) => {
    expectSameAcrossSplits("anthropic", contentType, chunks, expected);
  });

  it("adds cache reads and writes to input_tokens exactly once", () => {
    const result = observeBody("anthropic", JSON_TYPE, JSON.stringify(message(CACHED_USAGE)));
    expect(result.tokensIn).toBe(
      CACHED_USAGE.input_tokens +
        CACHED_USAGE.cache_read_input_tokens +
        CACHED_USAGE.cache_creation_input_tokens,
    );
  });

  it("after a client abort mid-stream reports message_start's figures (output is the count so far)", () => {
    // The client left after a few deltas: no message_delta arrived. Input and cache figures are complete
    // (message_start), output is message_start's own count: a lower bound, never an estimate.
    const aborted = fullStream.slice(0, 4).join("");
    const cut = aborted.slice(0, aborted.length - 10); // mid-event
    expect(observeBody("anthropic", SSE, cut)).toEqual({ ...CACHED_EXPECTED, tokensOut: 1 });
  });

  it("an abort before message_start completes yields nulls", () => {
    const first = sseEvent(messageStart, "message_start");
    expect(observeBody("anthropic", SSE, first.slice(0, first.length / 2))).toEqual(usage({}));
  });

  it("extracts a patch from each event kind", () => {
    expect(extractAnthropicUsage(messageStart)).toEqual({
      model: MODEL,
      uncachedInput: 50,
      output: 1,
      cacheRead: 2000,
      cacheWrite: 1000,
    });
    expect(extractAnthropicUsage(messageDelta)).toEqual({ output: 300 });
    expect(extractAnthropicUsage(contentEvents[2])).toBeNull();
    expect(extractAnthropicUsage({ type: "message_stop" })).toBeNull();
  });
});
