import { describe, expect, it } from "vitest";
import { extractBedrockUsage } from "../../../../../shared/providers/aws-bedrock/usage.ts";
import { createEventStreamDecoder } from "../../../../../shared/providers/usage/body-decoders.ts";
import { createUsageObserver } from "../../../../../shared/providers/usage/index.ts";
import type { TokenUsage } from "../../../../../shared/providers/usage/types.ts";
import {
  chunkFrame,
  concatBytes,
  EVENTSTREAM,
  eventFrame,
  expectSameAcrossSplits,
  JSON_TYPE,
  observe,
  splitEvery,
  usage,
} from "../usage/helpers.ts";

/**
 * As AWS reports it: inputTokens EXCLUDES the cache (totalTokens = 4 + 832 + 1490 + 0 = 2326), so
 * tokensIn = inputTokens + cacheRead + cacheWrite.
 */
const CONVERSE_USAGE = {
  inputTokens: 4,
  outputTokens: 832,
  totalTokens: 2326,
  cacheReadInputTokens: 1490,
  cacheWriteInputTokens: 0,
};
const CONVERSE_EXPECTED = usage({
  tokensIn: 1494,
  tokensOut: 832,
  cacheReadTokens: 1490,
  cacheWriteTokens: 0,
});

const converseStreamFrames = [
  eventFrame("messageStart", { p: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR", role: "assistant" }),
  eventFrame("contentBlockDelta", {
    contentBlockIndex: 0,
    delta: { text: "Hello — wörld 🌍" },
    p: "abcdefgh",
  }),
  eventFrame("contentBlockDelta", {
    contentBlockIndex: 0,
    delta: { text: " more tokens" },
    p: "abcdefghijkl",
  }),
  eventFrame("contentBlockStop", { contentBlockIndex: 0, p: "abcdefghijklmnop" }),
  eventFrame("messageStop", { p: "abcdefghijklmnopqrstu", stopReason: "end_turn" }),
  eventFrame("metadata", {
    metrics: { latencyMs: 17329 },
    p: "abcdefghijklmnopqrstuvwxyzAB",
    usage: CONVERSE_USAGE,
  }),
];

const CLAUDE = "claude-3-5-sonnet-20241022";
const claudeEvents = [
  {
    type: "message_start",
    message: {
      id: "msg_bdrk_01",
      type: "message",
      role: "assistant",
      model: CLAUDE,
      content: [],
      stop_reason: null,
      usage: {
        input_tokens: 20,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 300,
        output_tokens: 1,
      },
    },
  },
  { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
  { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } },
  { type: "content_block_stop", index: 0 },
  {
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: 42 },
  },
  {
    type: "message_stop",
    "amazon-bedrock-invocationMetrics": {
      inputTokenCount: 20,
      outputTokenCount: 42,
      invocationLatency: 900,
      firstByteLatency: 300,
    },
  },
];
const CLAUDE_EXPECTED = usage({
  tokensIn: 420,
  tokensOut: 42,
  cacheReadTokens: 300,
  cacheWriteTokens: 100,
  model: CLAUDE,
});

const cases: {
  name: string;
  contentType: string | null;
  chunks: (string | Uint8Array)[];
  expected: TokenUsage;
}[] = [
  {
    name: "Converse body",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        output: { message: { role: "assistant", content: [{ text: "Hello" }] } },
        stopReason: "end_turn",
        usage: CONVERSE_USAGE,
        metrics: { latencyMs: 1200 },
      }),
    ],
    expected: CONVERSE_EXPECTED,
  },
  {
    name: "Converse body without caching",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        stopReason: "end_turn",
        usage: { inputTokens: 30, outputTokens: 7, totalTokens: 37 },
        metrics: { latencyMs: 9 },
      }),
    ],
    expected: usage({ tokensIn: 30, tokensOut: 7 }),
  },
  {
    name: "ConverseStream, one frame per chunk",
    contentType: EVENTSTREAM,
    chunks: converseStreamFrames,
    expected: CONVERSE_EXPECTED,
  },
  {
    name: "ConverseStream, all frames in one chunk",
    contentType: EVENTSTREAM,
    chunks: [concatBytes(converseStreamFrames)],
    expected: CONVERSE_EXPECTED,
  },
  {
    name: "ConverseStream, frames split at 5 bytes (prelude cut)",
    contentType: EVENTSTREAM,
    chunks: splitEvery(concatBytes(converseStreamFrames), 5),
    expected: CONVERSE_EXPECTED,
  },
  {
    name: "ConverseStream with a throttling exception frame after the metadata",
    contentType: EVENTSTREAM,
    chunks: [
      ...converseStreamFrames,
      eventFrame("throttlingException", { message: "slow down" }, "exception"),
    ],
    expected: CONVERSE_EXPECTED,
  },
  {
    name: "InvokeModelWithResponseStream with Claude: Anthropic events in chunk.bytes",
    contentType: EVENTSTREAM,
    chunks: claudeEvents.map(chunkFrame),
    expected: CLAUDE_EXPECTED,
  },
  {
    name: "InvokeModelWithResponseStream with a model that reports only invocation metrics",
    contentType: EVENTSTREAM,
    chunks: [
      chunkFrame({ outputs: [{ text: "Hello", stop_reason: null }] }),
      chunkFrame({
        outputs: [{ text: "!", stop_reason: "stop" }],
        "amazon-bedrock-invocationMetrics": {
          inputTokenCount: 15,
          outputTokenCount: 6,
          invocationLatency: 500,
          firstByteLatency: 100,
        },
      }),
    ],
    expected: usage({ tokensIn: 15, tokensOut: 6 }),
  },
  {
    name: "InvokeModel with Claude: the Anthropic message body",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        id: "msg_bdrk_01",
        type: "message",
        role: "assistant",
        model: CLAUDE,
        content: [{ type: "text", text: "Hi" }],
        stop_reason: "end_turn",
        usage: {
          input_tokens: 20,
          cache_creation_input_tokens: 100,
          cache_read_input_tokens: 300,
          output_tokens: 42,
        },
      }),
    ],
    expected: CLAUDE_EXPECTED,
  },
  {
    name: "InvokeModel with Llama",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        generation: "Hello",
        prompt_token_count: 20,
        generation_token_count: 100,
        stop_reason: "stop",
      }),
    ],
    expected: usage({ tokensIn: 20, tokensOut: 100 }),
  },
  {
    name: "InvokeModel with an OpenAI-style model (Chat Completions shape)",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        model: "openai.gpt-oss-120b-1:0",
        usage: { prompt_tokens: 11, completion_tokens: 22, total_tokens: 33 },
      }),
    ],
    expected: usage({ tokensIn: 11, tokensOut: 22, model: "openai.gpt-oss-120b-1:0" }),
  },
  {
    name: "Bedrock validation error body",
    contentType: JSON_TYPE,
    chunks: [JSON.stringify({ message: "Malformed input request" })],
    expected: usage({}),
  },
];

describe("Bedrock usage", () => {
  it.each(cases)("$name", ({ contentType, chunks, expected }) => {
    expectSameAcrossSplits("bedrock", contentType, chunks, expected);
  });

  it("prefers the model's own Anthropic figures over the invocation metrics", () => {
    const metricsDisagree = [
      ...claudeEvents.slice(0, -1),
      {
        type: "message_stop",
        "amazon-bedrock-invocationMetrics": { inputTokenCount: 999, outputTokenCount: 999 },
      },
    ];
    expect(observe("bedrock", EVENTSTREAM, metricsDisagree.map(chunkFrame))).toEqual(CLAUDE_EXPECTED);
  });

  it("a stream cut before the metadata frame yields nulls", () => {
    const cut = concatBytes(converseStreamFrames);
    expect(observe("bedrock", EVENTSTREAM, [cut.slice(0, cut.byteLength - 20)])).toEqual(usage({}));
  });

  it("skips a frame whose checksum fails and keeps decoding", () => {
    const corrupt = eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "x" } });
    corrupt[corrupt.byteLength - 6] = (corrupt[corrupt.byteLength - 6] ?? 0) ^ 0xff;
    expect(observe("bedrock", EVENTSTREAM, [corrupt, ...converseStreamFrames])).toEqual(CONVERSE_EXPECTED);
  });

  it("stops decoding a body that is not an event stream, without throwing", () => {
    const text = new TextEncoder().encode('{"message":"not an event stream"}');
    expect(observe("bedrock", EVENTSTREAM, [text, ...converseStreamFrames])).toEqual(usage({}));
  });

  it("passes over frames larger than the decoding limit without buffering them", () => {
    const messages: string[] = [];
    const big = eventFrame("contentBlockDelta", { delta: { text: "y".repeat(5000) } });
    const small = eventFrame("metadata", { usage: CONVERSE_USAGE });
    for (const pieces of [[concatBytes([big, small])], splitEvery(concatBytes([big, small]), 3)]) {
      messages.length = 0;
      const decoder = createEventStreamDecoder((eventType) => messages.push(eventType ?? "?"), 1024);
      for (const piece of pieces) decoder.push(piece);
      decoder.end();
      expect(messages).toEqual(["metadata"]);
    }
  });

  it("does not depend on the caller keeping its chunks intact", () => {
    // The caller may reuse (or transfer) a chunk's buffer once push returns: overwrite it each time.
    const observer = createUsageObserver("bedrock", EVENTSTREAM);
    const reused = new Uint8Array(11);
    for (const piece of splitEvery(concatBytes(converseStreamFrames), 11)) {
      reused.set(piece);
      observer.push(reused.subarray(0, piece.byteLength));
      reused.fill(0xff);
    }
    expect(observer.finish()).toEqual(CONVERSE_EXPECTED);
  });

  it("reads the ConverseStream metadata payload, also when wrapped", () => {
    expect(extractBedrockUsage({ metrics: { latencyMs: 1 }, usage: CONVERSE_USAGE })).toEqual({
      uncachedInput: 4,
      output: 832,
      cacheRead: 1490,
      cacheWrite: 0,
    });
    expect(
      extractBedrockUsage({ metadata: { usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 } } }),
    ).toEqual({
      uncachedInput: 1,
      output: 2,
    });
  });
});
