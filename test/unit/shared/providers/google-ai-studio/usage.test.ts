import { describe, expect, it } from "vitest";
import { extractGeminiUsage } from "../../../../../shared/providers/google-ai-studio/usage.ts";
import type { TokenUsage } from "../../../../../shared/providers/usage/types.ts";
import { expectSameAcrossSplits, JSON_TYPE, observeBody, SSE, sseEvent, usage } from "../usage/helpers.ts";

const MODEL = "gemini-2.5-flash";

function chunk(text: string, usageMetadata: Record<string, unknown> | undefined, finishReason?: string) {
  return {
    candidates: [
      { content: { parts: [{ text }], role: "model" }, index: 0, ...(finishReason ? { finishReason } : {}) },
    ],
    ...(usageMetadata ? { usageMetadata } : {}),
    modelVersion: MODEL,
    responseId: "resp-1",
  };
}

/** promptTokenCount INCLUDES the cached content; output = candidates + thoughts. */
const FINAL_USAGE = {
  promptTokenCount: 1200,
  candidatesTokenCount: 80,
  thoughtsTokenCount: 200,
  cachedContentTokenCount: 1000,
  totalTokenCount: 1480,
  promptTokensDetails: [{ modality: "TEXT", tokenCount: 1200 }],
  cacheTokensDetails: [{ modality: "TEXT", tokenCount: 1000 }],
};
const FINAL_EXPECTED = usage({ tokensIn: 1200, tokensOut: 280, cacheReadTokens: 1000, model: MODEL });

const streamChunks = [
  chunk("Hel", {
    promptTokenCount: 1200,
    candidatesTokenCount: 2,
    cachedContentTokenCount: 1000,
    totalTokenCount: 1202,
  }),
  chunk("lo, wörld ", {
    promptTokenCount: 1200,
    candidatesTokenCount: 40,
    thoughtsTokenCount: 200,
    cachedContentTokenCount: 1000,
    totalTokenCount: 1440,
  }),
  chunk("🌍", FINAL_USAGE, "STOP"),
];

const cases: { name: string; contentType: string | null; chunks: string[]; expected: TokenUsage }[] = [
  {
    name: "generateContent body",
    contentType: JSON_TYPE,
    chunks: [JSON.stringify(chunk("Hello, wörld 🌍", FINAL_USAGE, "STOP"))],
    expected: FINAL_EXPECTED,
  },
  {
    name: "streamGenerateContent?alt=sse: the last chunk is authoritative",
    contentType: SSE,
    chunks: streamChunks.map((value) => sseEvent(value)),
    expected: FINAL_EXPECTED,
  },
  {
    name: "SSE with CRLF line endings",
    contentType: SSE,
    chunks: streamChunks.map((value) => `data: ${JSON.stringify(value)}\r\n\r\n`),
    expected: FINAL_EXPECTED,
  },
  {
    name: "streamGenerateContent without alt=sse: one JSON array",
    contentType: JSON_TYPE,
    chunks: [`[${streamChunks.map((value) => JSON.stringify(value)).join(",\r\n")}]`],
    expected: FINAL_EXPECTED,
  },
  {
    name: "no thinking, no cache",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify(
        chunk("Hi", { promptTokenCount: 8, candidatesTokenCount: 3, totalTokenCount: 11 }, "STOP"),
      ),
    ],
    expected: usage({ tokensIn: 8, tokensOut: 3, model: MODEL }),
  },
  {
    name: "blocked prompt: a usage block without output counts means 0 output",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({
        promptFeedback: { blockReason: "SAFETY" },
        usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
        modelVersion: MODEL,
      }),
    ],
    expected: usage({ tokensIn: 8, tokensOut: 0, model: MODEL }),
  },
  {
    name: "tool-use prompt tokens (grounding) are input",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify(
        chunk(
          "Result",
          {
            promptTokenCount: 10,
            toolUsePromptTokenCount: 90,
            candidatesTokenCount: 5,
            totalTokenCount: 105,
          },
          "STOP",
        ),
      ),
    ],
    expected: usage({ tokensIn: 100, tokensOut: 5, model: MODEL }),
  },
  {
    name: "OpenAI-compatible endpoint",
    contentType: JSON_TYPE,
    chunks: [
      JSON.stringify({ model: MODEL, usage: { prompt_tokens: 8, completion_tokens: 3, total_tokens: 11 } }),
    ],
    expected: usage({ tokensIn: 8, tokensOut: 3, model: MODEL }),
  },
  {
    name: "embedContent: no usage",
    contentType: JSON_TYPE,
    chunks: [JSON.stringify({ embedding: { values: [0.1, 0.2] } })],
    expected: usage({}),
  },
];

describe("Gemini usage", () => {
  it.each(cases)("$name", ({ contentType, chunks, expected }) => {
    expectSameAcrossSplits("gemini", contentType, chunks, expected);
  });

  it("never adds cachedContentTokenCount to promptTokenCount", () => {
    expect(observeBody("gemini", JSON_TYPE, JSON.stringify(chunk("x", FINAL_USAGE))).tokensIn).toBe(1200);
  });

  it("a later chunk replaces the earlier usage entirely, missing counts included", () => {
    const body = [
      sseEvent(
        chunk("a", {
          promptTokenCount: 50,
          candidatesTokenCount: 9,
          cachedContentTokenCount: 40,
          thoughtsTokenCount: 7,
        }),
      ),
      sseEvent(chunk("b", { promptTokenCount: 50, candidatesTokenCount: 12 })),
    ].join("");
    expect(observeBody("gemini", SSE, body)).toEqual(usage({ tokensIn: 50, tokensOut: 12, model: MODEL }));
  });

  it("a chunk without usageMetadata keeps the earlier usage", () => {
    const body = [sseEvent(streamChunks[2]), sseEvent(chunk("tail", undefined))].join("");
    expect(observeBody("gemini", SSE, body)).toEqual(FINAL_EXPECTED);
  });

  it("after an abort reports the last chunk received", () => {
    const body = streamChunks
      .slice(0, 2)
      .map((value) => sseEvent(value))
      .join("");
    expect(observeBody("gemini", SSE, body)).toEqual(
      usage({ tokensIn: 1200, tokensOut: 240, cacheReadTokens: 1000, model: MODEL }),
    );
  });

  it("extracts a full replacement patch", () => {
    expect(extractGeminiUsage(chunk("x", FINAL_USAGE))).toEqual({
      model: MODEL,
      totalInput: 1200,
      uncachedInput: null,
      output: 280,
      cacheRead: 1000,
      cacheWrite: null,
    });
    expect(extractGeminiUsage({ candidates: [] })).toBeNull();
  });
});
