import { describe, expect, it } from "vitest";
import { ERROR_CODES, GatewayError } from "../../../../shared/core/gateway-error.ts";
import { spendLimitExceededError } from "../../../../shared/limits/spend-error.ts";

describe("spendLimitExceededError", () => {
  const exceeded = {
    ruleId: "5e7f1b6b",
    limit: 100,
    window: 604_800,
    technique: "sliding" as const,
    spent: 100.5,
  };

  it("is a 429 with code 2041 and Cloudflare's message", () => {
    const error = spendLimitExceededError(exceeded, "anthropic", "claude-sonnet-4-5");
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.status).toBe(429);
    expect(error.code).toBe(2041);
    expect(ERROR_CODES.spendLimitExceeded).toBe(2041);
    expect(error.message).toBe(
      "Spend limit exceeded: rule '5e7f1b6b' (cost limit 100 per 604800s, sliding) for anthropic claude-sonnet-4-5",
    );
    expect(error.publicMessage).toBe(error.message);
  });

  it("names the technique and fractional limits as they are", () => {
    const error = spendLimitExceededError(
      { ...exceeded, limit: 0.25, window: 60, technique: "fixed" },
      "openai",
      "gpt-4o",
    );
    expect(error.message).toBe(
      "Spend limit exceeded: rule '5e7f1b6b' (cost limit 0.25 per 60s, fixed) for openai gpt-4o",
    );
  });

  it("still reads well without a model or provider", () => {
    expect(spendLimitExceededError(exceeded, "openai", null).message).toMatch(/ for openai$/);
    expect(spendLimitExceededError(exceeded, null, null).message).toMatch(/ for this request$/);
  });
});
