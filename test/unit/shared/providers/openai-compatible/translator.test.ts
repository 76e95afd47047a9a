import { describe, expect, it } from "vitest";
import { translatorFor } from "../../../../../shared/providers/registry.ts";
import { parseChatRequest } from "../../../../../shared/translation/openai/chat-schema.ts";
import { describeFixtures } from "../../translation/fixture-cases.ts";

const groq = translatorFor("groq");
if (groq === undefined) throw new Error("groq is configured");
describeFixtures("openai-compatible", groq);

const request = parseChatRequest({ messages: [{ role: "user", content: "hi" }] });

describe("openai-compatible translators", () => {
  it.each([
    ["openai", "chat/completions"],
    ["mistral", "v1/chat/completions"],
    ["grok", "v1/chat/completions"],
    ["deepseek", "chat/completions"],
    ["azure-openai", "my/deployment/chat/completions?api-version=2024-10-21"],
  ])("sends %s requests to %s", (provider, path) => {
    expect(translatorFor(provider)?.toProviderRequest(request, "my/deployment").path).toBe(path);
  });

  it("leaves the model out of an Azure body, where the deployment is in the path", () => {
    expect(translatorFor("azure-openai")?.toProviderRequest(request, "res/d").body).not.toHaveProperty(
      "model",
    );
  });

  it("picks the native translators for anthropic, aws-bedrock and google-ai-studio", () => {
    expect(translatorFor("anthropic")?.provider).toBe("anthropic");
    expect(translatorFor("aws-bedrock")?.provider).toBe("aws-bedrock");
    expect(translatorFor("google-ai-studio")?.provider).toBe("google-ai-studio");
  });

  it("has no translator for an unknown provider", () => {
    expect(translatorFor("nope")).toBeUndefined();
  });
});
