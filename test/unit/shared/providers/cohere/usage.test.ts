import { describe, expect, it } from "vitest";
import { extractCohereUsage } from "../../../../../shared/providers/cohere/usage.ts";
import type { TokenUsage } from "../../../../../shared/providers/usage/types.ts";
import { expectSameAcrossSplits, JSON_TYPE, SSE, typedSseEvents, usage } from "../usage/helpers.ts";

/** Billed units are what Cohere charges; `tokens` (template included) is only a fallback. */
const V1_META = {
  api_version: { version: "1" },
  billed_units: { input_tokens: 17, output_tokens: 6 },
  tokens: { input_tokens: 83, output_tokens: 6 },
};
const V1_EXPECTED = usage({ tokensIn: 17, tokensOut: 6 });

const v1Body = {
  response_id: "r-1",
  text: "Bonjour ! ✨",
  generation_id: "g-1",
  chat_history: [],
  finish_reason: "COMPLETE",
  meta: V1_META,
};

const v1StreamLines = [
  { is_finished: false, event_type: "stream-start", generation_id: "g-1" },
  { is_finished: false, event_type: "text-generation", text: "Bonjour" },
  { is_finished: false, event_type: "text-generation", text: " ! ✨" },
  { is_finished: true, event_type: "stream-end", finish_reason: "COMPLETE", response: v1Body },
].map((line) => `${JSON.stringify(line)}\n`);

const V2_USAGE = {
  billed_units: { input_tokens: 5, output_tokens: 418 },
  tokens: { input_tokens: 71, output_tokens: 418 },
};
const V2_EXPECTED = usage({ tokensIn: 5, tokensOut: 418 });

const v2Stream = typedSseEvents([
  {
    type: "message-start",
    id: "m-1",
    delta: { message: { role: "assistant", content: [], tool_plan: "", tool_calls: [], citations: [] } },
  },
  { type: "content-start", index: 0, delta: { message: { content: { type: "text", text: "" } } } },
  { type: "content-delta", index: 0, delta: { message: { content: { text: "Larger tokens here" } } } },
  { type: "content-end", index: 0 },
  { type: "message-end", delta: { finish_reason: "COMPLETE", usage: V2_USAGE } },
]);

const cases: { name: string; contentType: string | null; chunks: string[]; expected: TokenUsage }[] = [
  {
    name: "v1 chat body (meta.billed_units)",
    contentType: JSON_TYPE,
    chunks: [JSON.stringify(v1Body)],
    expected: V1_EXPECTED,
  },
  {
    name: "v1 chat stream (NDJSON, stream-end carries the response)",
    contentType: "application/stream+json",
    chunks: v1StreamLines,
    expected: V1_EXPECTED,
  },
  {
    name: "v1 chat stream under an x-ndjson content type",
    contentType: "application/x-ndjson",
    chunks: v1StreamLines,
    expected: V1_EXPECTED,
  },
  {
    name: "v2 chat body (usage.billed_units)",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        id: "c-1",
        message: { role: "assistant", content: [{ type: "text", text: "Hi" }] },
        finish_reason: "COMPLETE",
        usage: V2_USAGE,
      }),
    ],
    expected: V2_EXPECTED,
  },
  {
    name: "v2 chat stream (message-end delta.usage)",
    contentType: SSE,
    chunks: v2Stream,
    expected: V2_EXPECTED,
  },
  {
    name: "v2 usage with only raw tokens",
    contentType: JSON_TYPE,
    chunks: [JSON.stringify({ id: "c-2", usage: { tokens: { input_tokens: 71, output_tokens: 9 } } })],
    expected: usage({ tokensIn: 71, tokensOut: 9 }),
  },
  {
    name: "v2 usage with cached tokens beside billed units (another basis: not counted)",
    contentType: JSON_TYPE,
    chunks: [JSON.stringify({ id: "c-3", usage: { ...V2_USAGE, cached_tokens: 64 } })],
    expected: V2_EXPECTED,
  },
  {
    name: "v2 usage with cached tokens and only raw tokens (part of the input)",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        id: "c-4",
        usage: { tokens: { input_tokens: 71, output_tokens: 9 }, cached_tokens: 64 },
      }),
    ],
    expected: usage({ tokensIn: 71, tokensOut: 9, cacheReadTokens: 64 }),
  },
  {
    name: "embed: input billed, no output",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        id: "e-1",
        embeddings: { float: [[0.1, 0.2]] },
        texts: ["hello"],
        meta: { api_version: { version: "2" }, billed_units: { input_tokens: 8 } },
      }),
    ],
    expected: usage({ tokensIn: 8, tokensOut: 0 }),
  },
  {
    name: "rerank: search units only, no tokens",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        id: "r-1",
        results: [],
        meta: { api_version: { version: "2" }, billed_units: { search_units: 1 } },
      }),
    ],
    expected: usage({}),
  },
  {
    name: "OpenAI-compatible endpoint",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        model: "command-a-03-2025",
        usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 },
      }),
    ],
    expected: usage({ tokensIn: 4, tokensOut: 2, model: "command-a-03-2025" }),
  },
];

describe("Cohere usage", () => {
  it.each(cases)("$name", ({ contentType, chunks, expected }) => {
    expectSameAcrossSplits("cohere", contentType, chunks, expected);
  });

  it("reads nothing from events without usage", () => {
    expect(extractCohereUsage({ type: "content-end", index: 0 })).toBeNull();
    expect(extractCohereUsage({ event_type: "text-generation", text: "x" })).toBeNull();
  });
});
