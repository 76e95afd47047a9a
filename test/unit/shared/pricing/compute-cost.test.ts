import { describe, expect, it } from "vitest";
import { computeCost } from "../../../../shared/pricing/compute-cost.ts";
import { parseCustomCost } from "../../../../shared/pricing/custom-cost.ts";
import type { TokenUsage } from "../../../../shared/providers/usage/types.ts";

function usage(partial: Partial<TokenUsage>): TokenUsage {
  return {
    tokensIn: null,
    tokensOut: null,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    model: null,
    ...partial,
  };
}

describe("computeCost from the table", () => {
  it("prices plain input and output per million tokens", () => {
    // gpt-4o-mini: $0.15 in, $0.60 out per million.
    expect(computeCost("openai", "gpt-4o-mini", usage({ tokensIn: 1_000_000, tokensOut: 500_000 }))).toEqual({
      cost: 0.45,
      custom_cost: false,
    });
  });

  it("Anthropic-style usage: cache reads and writes priced once each, not again as input", () => {
    // Anthropic reported input_tokens 1000 (uncached), cache_read 20000, cache_creation 5000, output 400;
    // normalised, tokensIn includes both cache figures: 26000.
    const result = computeCost(
      "anthropic",
      "claude-sonnet-4-5-20250929",
      usage({ tokensIn: 26_000, tokensOut: 400, cacheReadTokens: 20_000, cacheWriteTokens: 5_000 }),
    );
    // 1000 * $3 + 20000 * $0.30 + 5000 * $3.75 + 400 * $15, per million.
    expect(result.cost).toBeCloseTo((1000 * 3 + 20_000 * 0.3 + 5000 * 3.75 + 400 * 15) / 1e6, 12);
    expect(result.cost).toBe(0.03375);
    expect(result.custom_cost).toBe(false);
  });

  it("OpenAI-style usage: cached tokens are part of prompt_tokens and discounted, not added", () => {
    // prompt_tokens 10000 of which cached_tokens 8000; completion 100. gpt-4o: $2.50, cached $1.25, out $10.
    const result = computeCost(
      "openai",
      "gpt-4o-2024-08-06",
      usage({ tokensIn: 10_000, tokensOut: 100, cacheReadTokens: 8_000 }),
    );
    expect(result.cost).toBe((2000 * 2.5 + 8000 * 1.25 + 100 * 10) / 1e6);
    const uncachedOnly = computeCost("openai", "gpt-4o", usage({ tokensIn: 10_000, tokensOut: 100 }));
    expect(result.cost).toBeLessThan(uncachedOnly.cost as number);
  });

  it("charges cache tokens at the input price when the table has no cache price", () => {
    // gpt-4: no cached-input price; 100 of 1000 input tokens cached cost the same as uncached.
    const withCache = computeCost(
      "openai",
      "gpt-4",
      usage({ tokensIn: 1000, tokensOut: 0, cacheReadTokens: 100 }),
    );
    const without = computeCost("openai", "gpt-4", usage({ tokensIn: 1000, tokensOut: 0 }));
    expect(withCache.cost).toBe(without.cost);
    expect(without.cost).toBe(0.03);
  });

  it("prices Claude on Bedrock from the Bedrock entry, including its cache prices", () => {
    const result = computeCost(
      "aws-bedrock",
      "us.anthropic.claude-3-5-haiku-20241022-v1:0",
      usage({ tokensIn: 3000, tokensOut: 1000, cacheReadTokens: 1000, cacheWriteTokens: 1000 }),
    );
    expect(result.cost).toBe((1000 * 0.8 + 1000 * 0.08 + 1000 * 1 + 1000 * 4) / 1e6);
  });

  it("uses the model the response reported when the request's is unknown", () => {
    expect(
      computeCost("openai", null, usage({ tokensIn: 1_000_000, tokensOut: 0, model: "gpt-4o" })).cost,
    ).toBe(2.5);
  });

  it("falls back to the model the response reported when the request's is not priced", () => {
    const tokens = usage({ tokensIn: 1_000_000, tokensOut: 0, model: "gpt-4o-2024-08-06" });
    expect(computeCost("openai", "my-alias", tokens).cost).toBe(2.5);
  });

  it("counts an unreported side as zero (an embeddings response has no output tokens)", () => {
    expect(computeCost("openai", "gpt-4o", usage({ tokensIn: 1_000_000 })).cost).toBe(2.5);
  });

  it.each([
    ["no usage", "openai", "gpt-4o", null],
    ["no tokens reported", "openai", "gpt-4o", usage({})],
    ["an unpriced model", "openai", "gpt-unknown", usage({ tokensIn: 10, tokensOut: 10 })],
    ["no provider", null, "gpt-4o", usage({ tokensIn: 10, tokensOut: 10 })],
    ["no model at all", "openai", null, usage({ tokensIn: 10, tokensOut: 10 })],
  ])("is null with %s", (_case, provider, model, tokens) => {
    expect(computeCost(provider, model, tokens)).toEqual({ cost: null, custom_cost: false });
  });

  it("never goes negative when cache figures exceed the input count", () => {
    const result = computeCost(
      "anthropic",
      "claude-3-haiku",
      usage({ tokensIn: 10, tokensOut: 0, cacheReadTokens: 20 }),
    );
    expect(result.cost).toBeGreaterThanOrEqual(0);
  });
});

describe("computeCost with cf-aig-custom-cost", () => {
  const anthropicUsage = usage({
    tokensIn: 26_000,
    tokensOut: 400,
    cacheReadTokens: 20_000,
    cacheWriteTokens: 5_000,
  });

  it("overrides the table and marks the cost custom", () => {
    const custom = parseCustomCost(
      '{"per_token_in":0.000003,"per_token_out":0.000015,"per_cache_read_token":0.0000003,"per_cache_write_token":0.00000375}',
    );
    const result = computeCost("anthropic", "claude-sonnet-4-5", anthropicUsage, custom);
    expect(result).toEqual({ cost: 0.03375, custom_cost: true });
  });

  it("applies to a model the table does not price", () => {
    const custom = parseCustomCost('{"per_token_in":0.001,"per_token_out":0.002}');
    expect(computeCost("openai", "my-fine-tune", usage({ tokensIn: 10, tokensOut: 5 }), custom)).toEqual({
      cost: 0.02,
      custom_cost: true,
    });
  });

  it("with both cache rates omitted keeps the old calculation: every input token at per_token_in", () => {
    const custom = parseCustomCost('{"per_token_in":0.000001,"per_token_out":0.000002}');
    const result = computeCost("anthropic", "claude-sonnet-4-5", anthropicUsage, custom);
    expect(result.cost).toBe((26_000 * 1 + 400 * 2) / 1e6);
  });

  it("with one cache rate given, the other defaults to per_token_in and nothing is counted twice", () => {
    const custom = parseCustomCost('{"per_token_in":0.000001,"per_token_out":0,"per_cache_read_token":0}');
    // 1000 uncached + 5000 written at 1e-6; 20000 read at 0.
    expect(computeCost("anthropic", "claude-sonnet-4-5", anthropicUsage, custom).cost).toBe(0.006);
  });

  it("does not apply, and is not marked, when the response reported no tokens", () => {
    const custom = parseCustomCost('{"per_token_in":0.001,"per_token_out":0.002}');
    expect(computeCost("openai", "gpt-4o", usage({}), custom)).toEqual({ cost: null, custom_cost: false });
    expect(computeCost("openai", "gpt-4o", null, custom)).toEqual({ cost: null, custom_cost: false });
  });

  it("keeps tiny per-token prices exact enough", () => {
    const custom = parseCustomCost('{"per_token_in":"0.000000000001","per_token_out":"0.000000000001"}');
    expect(computeCost("openai", "gpt-4o", usage({ tokensIn: 3, tokensOut: 0 }), custom).cost).toBe(3e-12);
  });
});
