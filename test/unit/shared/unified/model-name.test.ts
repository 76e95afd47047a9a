import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import { findProvider, translatorFor } from "../../../../shared/providers/registry.ts";
import { buildUpstreamUrl } from "../../../../shared/providers/upstream-url.ts";
import { parseChatRequest } from "../../../../shared/translation/openai/chat-schema.ts";
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
      parseUnifiedModel("mystery/some-model");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).status).toBe(400);
      expect((error as GatewayError).message).toMatch(/Unknown provider "mystery".*openai, anthropic/);
    }
  });

  it("serves a Workers AI id, bare or as workers-ai/@cf/..., by its catalogue's Bedrock model", () => {
    const expected = {
      provider: "aws-bedrock",
      model: "openai.gpt-oss-120b-1:0",
      platformModel: "@cf/openai/gpt-oss-120b",
    };
    expect(parseUnifiedModel("@cf/openai/gpt-oss-120b")).toEqual(expected);
    expect(parseUnifiedModel("workers-ai/@cf/openai/gpt-oss-120b")).toEqual(expected);
    expect(() => parseUnifiedModel("workers-ai/@cf/meta/llama")).toThrow(/Bedrock does not host this one/);
  });

  it.each([
    ["cohere/command-a-03-2025", "https://api.cohere.ai/v2/chat"],
    [
      "azure-openai/contoso-eu/gpt-4o-mini",
      "https://contoso-eu.openai.azure.com/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21",
    ],
  ])("sends %s to the registry's upstream %s", (value, url) => {
    const { provider, model } = parseUnifiedModel(value);
    const request = parseChatRequest({ messages: [{ role: "user", content: "Hi" }] });
    const translated = translatorFor(provider)?.toProviderRequest(request, model);
    const [path = "", query] = (translated?.path ?? "").split("?", 2);
    const definition = findProvider(provider);
    if (definition === undefined) throw new Error(`${provider} is not in the registry`);
    expect(buildUpstreamUrl(definition, path, query === undefined ? "" : `?${query}`, undefined)).toBe(url);
  });
});
