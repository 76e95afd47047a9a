import { describe, expect, it } from "vitest";
import { findPrice, modelCandidates, type PriceTable } from "../../../../shared/pricing/model-match.ts";
import type { PriceEntry } from "../../../../shared/pricing/prices.ts";

function entry(provider: string, model: string, input: number, aliases?: string[]): PriceEntry {
  return {
    provider,
    model,
    ...(aliases ? { aliases } : {}),
    input,
    output: input * 2,
    cacheRead: null,
    cacheWrite: null,
    source: "https://example.com/pricing",
    readOn: "2026-11-25",
    confirmation: "official",
  };
}

describe("findPrice with the shipped table", () => {
  it.each([
    ["openai", "gpt-4o", "gpt-4o"],
    ["openai", "GPT-4o", "gpt-4o"],
    ["openai", "gpt-4o-2024-08-06", "gpt-4o"],
    ["openai", "gpt-4o-2024-11-20", "gpt-4o"],
    ["openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"],
    ["openai", "gpt-4-0613", "gpt-4"],
    ["anthropic", "claude-3-5-haiku-20241022", "claude-3-5-haiku"],
    ["anthropic", "claude-3-5-haiku-latest", "claude-3-5-haiku"],
    ["anthropic", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5"],
    ["anthropic", "claude-sonnet-4-20250514", "claude-sonnet-4"],
    ["anthropic", "claude-opus-4-0", "claude-opus-4"],
    ["aws-bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku"],
    ["aws-bedrock", "us.anthropic.claude-3-7-sonnet-20250219-v1:0", "claude-3-7-sonnet"],
    ["aws-bedrock", "eu.anthropic.claude-opus-4-20250514-v1:0", "claude-opus-4"],
    [
      "aws-bedrock",
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0",
      "claude-3-5-haiku",
    ],
    ["aws-bedrock", "amazon.nova-micro-v1:0", "nova-micro"],
    ["aws-bedrock", "us.amazon.nova-pro-v1:0", "nova-pro"],
    ["aws-bedrock", "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0", "nova-lite"],
    ["cohere", "command-r", "command-r-08-2024"],
    ["cohere", "command-a-03-2025", "command-a-03-2025"],
    ["groq", "llama-3.3-70b-versatile", "llama-3.3-70b-versatile"],
    ["deepseek", "deepseek-chat", "deepseek-chat"],
    ["perplexity-ai", "sonar-pro", "sonar-pro"],
    ["grok", "grok-3-mini-latest", "grok-3-mini"],
    ["google-ai-studio", "models/gemini-2.5-flash", "gemini-2.5-flash"],
    ["google-ai-studio", "gemini-2.5-flash-lite", "gemini-2.5-flash-lite"],
  ])("%s %s -> %s", (provider, model, expected) => {
    expect(findPrice(provider, model)?.model).toBe(expected);
  });

  it("prefers an exact id over the dated-snapshot rule", () => {
    expect(findPrice("openai", "gpt-4o-2024-05-13")?.input).toBe(5);
    expect(findPrice("openai", "gpt-4o-2024-08-06")?.input).toBe(2.5);
  });

  it.each([
    ["openai", "gpt-4o-audio-preview"],
    ["openai", "gpt-4-turbo"],
    ["openai", "gpt-4o-mini-tts"],
    ["openai", "unknown-model"],
    ["anthropic", "gpt-4o"],
    ["azure-openai", "gpt-4o"],
    ["aws-bedrock", "meta.llama3-70b-instruct-v1:0"],
    ["nonexistent", "gpt-4o"],
    ["google-ai-studio", "gemini-2.5-pro"],
    ["google-vertex-ai", "gemini-2.5-flash"],
  ])("does not guess: %s %s is unpriced", (provider, model) => {
    expect(findPrice(provider, model)).toBeNull();
  });

  it("is scoped to the provider: Claude on Bedrock is Bedrock's entry, not Anthropic's", () => {
    expect(findPrice("aws-bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0")?.provider).toBe(
      "aws-bedrock",
    );
    expect(findPrice("anthropic", "claude-3-5-haiku-20241022")?.provider).toBe("anthropic");
    expect(findPrice("aws-bedrock", "anthropic.claude-haiku-4-5-20251001-v1:0")).toBeNull();
  });
});

describe("findPrice with a given table", () => {
  const table: PriceTable = [
    entry("groq", "llama-3.3-70b", 0.5),
    entry("aws-bedrock", "llama3-3-70b-instruct", 0.7),
    entry("google-ai-studio", "gemini-2.5-flash", 0.3),
    entry("google-vertex-ai", "gemini-2.5-flash", 0.3),
  ];

  it("gives the same model name different prices per provider", () => {
    expect(findPrice("groq", "llama-3.3-70b", table)?.input).toBe(0.5);
    expect(findPrice("aws-bedrock", "meta.llama3-3-70b-instruct-v1:0", table)?.input).toBe(0.7);
    expect(findPrice("aws-bedrock", "llama-3.3-70b", table)).toBeNull();
  });

  it("strips Gemini's models/ prefix and Vertex's publisher path", () => {
    expect(findPrice("google-ai-studio", "models/gemini-2.5-flash", table)?.model).toBe("gemini-2.5-flash");
    expect(findPrice("google-vertex-ai", "publishers/google/models/gemini-2.5-flash", table)?.model).toBe(
      "gemini-2.5-flash",
    );
  });
});

describe("modelCandidates", () => {
  it("lists the ids tried, most specific first", () => {
    expect(modelCandidates("us.anthropic.claude-3-5-haiku-20241022-v1:0")).toEqual([
      "us.anthropic.claude-3-5-haiku-20241022-v1:0",
      "anthropic.claude-3-5-haiku-20241022-v1:0",
      "claude-3-5-haiku-20241022-v1:0",
      "claude-3-5-haiku-20241022",
      "claude-3-5-haiku",
    ]);
    expect(modelCandidates("gpt-4o")).toEqual(["gpt-4o"]);
  });
});
