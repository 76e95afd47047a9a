import { describe, expect, it } from "vitest";
import { spendUpperBound } from "../../../../shared/limits/spend-bound.ts";
import { DEFAULT_OUTPUT_CEILING, outputCeiling } from "../../../../shared/limits/spend-output-ceilings.ts";
import type { PriceEntry } from "../../../../shared/pricing/prices.ts";

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** $1 per million input tokens, $2 per million output, $3 per million cache writes, $0.1 per million reads. */
const TABLE: PriceEntry[] = [
  {
    provider: "anthropic",
    model: "claude-test",
    input: 1,
    output: 2,
    cacheRead: 0.1,
    cacheWrite: 3,
    source: "test",
    readOn: "2026-11-25",
    confirmation: "official",
  },
  {
    provider: "openai",
    model: "gpt-4o",
    input: 1,
    output: 2,
    cacheRead: null,
    cacheWrite: null,
    source: "test",
    readOn: "2026-11-25",
    confirmation: "official",
  },
];

const perMillion = (usd: number) => usd / 1_000_000;

describe("spendUpperBound", () => {
  it("prices the body's bytes at the dearest input rate and max_tokens at the output rate", () => {
    const body = bytes({
      model: "claude-test",
      max_tokens: 100,
      messages: [{ role: "user", content: "Hi" }],
    });
    const bound = spendUpperBound(
      { provider: "anthropic", model: "claude-test", body, customCost: null },
      TABLE,
    );
    // The cache-write rate ($3) is the dearest an input token can cost.
    expect(bound).toBeCloseTo(body.byteLength * perMillion(3) + 100 * perMillion(2), 15);
  });

  it.each([
    ["max_completion_tokens", { max_completion_tokens: 300 }, 300],
    ["max_output_tokens (Responses)", { max_output_tokens: 300 }, 300],
    ["generationConfig.maxOutputTokens (Gemini)", { generationConfig: { maxOutputTokens: 300 } }, 300],
    ["inferenceConfig.maxTokens (Bedrock Converse)", { inferenceConfig: { maxTokens: 300 } }, 300],
    ["the largest of several caps", { max_tokens: 10, max_completion_tokens: 300 }, 300],
    ["n choices", { max_tokens: 100, n: 3 }, 300],
    ["Gemini's candidateCount", { generationConfig: { maxOutputTokens: 100, candidateCount: 3 } }, 300],
  ])("reads the output cap from %s", (_name, fields, outputTokens) => {
    const body = bytes({ model: "gpt-4o", ...fields });
    const bound = spendUpperBound({ provider: "openai", model: "gpt-4o", body, customCost: null }, TABLE);
    expect(bound).toBeCloseTo(body.byteLength * perMillion(1) + outputTokens * perMillion(2), 15);
  });

  it("takes the model's output ceiling when the request sets no cap, or a malformed one", () => {
    for (const fields of [{}, { max_tokens: "many" }, { max_tokens: -1 }, { max_tokens: 1.5 }]) {
      const body = bytes({ model: "gpt-4o", ...fields });
      const bound = spendUpperBound({ provider: "openai", model: "gpt-4o", body, customCost: null }, TABLE);
      expect(bound).toBeCloseTo(body.byteLength * perMillion(1) + 16_384 * perMillion(2), 15);
    }
  });

  it("uses cf-aig-custom-cost when the request sets it, for any model", () => {
    const body = bytes({ model: "my-own-model", max_tokens: 10 });
    const customCost = {
      perTokenIn: 0.001,
      perTokenOut: 0.002,
      perCacheReadToken: 0,
      perCacheWriteToken: 0.003,
    };
    const bound = spendUpperBound({ provider: "custom-x", model: "my-own-model", body, customCost }, TABLE);
    expect(bound).toBeCloseTo(body.byteLength * 0.003 + 10 * 0.002, 12);
  });

  it("reserves nothing for a model without a price: its cost is null and spends nothing", () => {
    const body = bytes({ model: "unpriced", max_tokens: 10 });
    expect(spendUpperBound({ provider: "openai", model: "unpriced", body, customCost: null }, TABLE)).toBe(0);
    expect(spendUpperBound({ provider: "openai", model: null, body, customCost: null }, TABLE)).toBe(0);
  });

  it("bounds a body that is not JSON by its bytes and the output ceiling", () => {
    const body = new TextEncoder().encode("not json");
    const bound = spendUpperBound({ provider: "openai", model: "gpt-4o", body, customCost: null }, TABLE);
    expect(bound).toBeCloseTo(8 * perMillion(1) + 16_384 * perMillion(2), 15);
    expect(
      spendUpperBound({ provider: "openai", model: "gpt-4o", body: null, customCost: null }, TABLE),
    ).toBe(16_384 * perMillion(2));
  });

  it("bounds the real cost of a text request from above (the pricing table's own gpt-4o-mini)", () => {
    const body = bytes({
      model: "gpt-4o-mini",
      max_tokens: 50,
      messages: [{ role: "user", content: "Write a haiku about the sea, in English." }],
    });
    const bound = spendUpperBound({ provider: "openai", model: "gpt-4o-mini", body, customCost: null });
    // Far fewer tokens than bytes for English text; at most 50 output tokens.
    const realistic = (body.byteLength / 4) * perMillion(0.15) + 50 * perMillion(0.6);
    expect(bound).toBeGreaterThan(realistic);
  });
});

describe("outputCeiling", () => {
  it.each([
    ["openai", "gpt-4o-mini-2024-07-18", 16_384],
    ["openai", "gpt-4.1-nano", 32_768],
    ["openai", "gpt-4-0613", 8_192],
    ["azure-openai", "gpt-4o", 16_384],
    ["google-ai-studio", "models/gemini-2.5-flash", 65_536],
    ["openai", "a-model-not-listed", DEFAULT_OUTPUT_CEILING],
    ["groq", "llama-3.3-70b-versatile", DEFAULT_OUTPUT_CEILING],
  ])("%s %s: %i tokens", (provider, model, tokens) => {
    expect(outputCeiling(provider, model)).toBe(tokens);
  });

  it("falls back to the largest ceiling when the model is unknown", () => {
    expect(outputCeiling(null, null)).toBe(DEFAULT_OUTPUT_CEILING);
    expect(outputCeiling("openai", null)).toBe(DEFAULT_OUTPUT_CEILING);
  });
});
