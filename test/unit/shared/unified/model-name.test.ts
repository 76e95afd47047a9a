import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import { parseUnifiedModel } from "../../../../shared/unified/model-name.ts";

describe("parseUnifiedModel", () => {
  it("splits at the first slash, so model ids may hold slashes", () => {
    expect(parseUnifiedModel("openai/gpt-4o-mini")).toEqual({ provider: "openai", model: "gpt-4o-mini" });
    expect(parseUnifiedModel("openrouter/meta-llama/llama-3-70b")).toEqual({
      provider: "openrouter",
      model: "meta-llama/llama-3-70b",
    });
    expect(parseUnifiedModel("aws-bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0").provider).toBe(
      "aws-bedrock",
    );
  });

  it("maps Cloudflare's other provider names", () => {
    expect(parseUnifiedModel("perplexity/sonar").provider).toBe("perplexity-ai");
    expect(parseUnifiedModel("google/gemini-2.5-flash").provider).toBe("google-ai-studio");
    expect(parseUnifiedModel("xai/grok-3").provider).toBe("grok");
  });

  it.each([["gpt-4o-mini"], ["/gpt"], ["openai/"], [""]])("refuses %j: no provider or no model", (value) => {
    expect(() => parseUnifiedModel(value)).toThrow(/names no provider/);
  });

  it("refuses an unknown provider with a 400 that names it and lists the supported ones", () => {
    try {
      parseUnifiedModel("workers-ai/@cf/meta/llama");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).status).toBe(400);
      expect((error as GatewayError).message).toMatch(/Unknown provider "workers-ai".*openai, anthropic/);
    }
  });
});
