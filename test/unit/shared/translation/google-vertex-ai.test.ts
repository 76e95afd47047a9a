import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import { geminiTranslator } from "../../../../shared/translation/gemini/index.ts";
import { vertexGeminiTranslator } from "../../../../shared/translation/google-vertex-ai/index.ts";
import { translatorFor } from "../../../../shared/translation/index.ts";
import type { OpenAIChatRequest } from "../../../../shared/translation/types.ts";
import { parseUnifiedModel } from "../../../../shared/unified/model-name.ts";

const request: OpenAIChatRequest = {
  model: "google-vertex-ai/google/gemini-2.5-flash",
  messages: [{ role: "user", content: "Hi" }],
  max_tokens: 64,
};

describe("google-vertex-ai on the unified API", () => {
  it("parses google-vertex-ai/{publisher}/{model} and picks the Vertex translator", () => {
    expect(parseUnifiedModel("google-vertex-ai/google/gemini-2.5-pro")).toEqual({
      provider: "google-vertex-ai",
      model: "google/gemini-2.5-pro",
    });
    expect(translatorFor("google-vertex-ai")).toBe(vertexGeminiTranslator);
  });

  it("sends Gemini's body to the publisher path, relative to the project and location", () => {
    const translated = vertexGeminiTranslator.toProviderRequest(request, "google/gemini-2.5-flash");
    expect(translated.path).toBe("publishers/google/models/gemini-2.5-flash:generateContent");
    expect(translated.body).toEqual(geminiTranslator.toProviderRequest(request, "gemini-2.5-flash").body);
    const streamed = vertexGeminiTranslator.toProviderRequest(
      { ...request, stream: true },
      "google/gemini-2.5-flash",
    );
    expect(streamed.path).toBe("publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
  });

  it.each(["anthropic/claude-sonnet-4", "gemini-2.5-flash", "google/"])("refuses %s with a 400", (model) => {
    const error = (() => {
      try {
        vertexGeminiTranslator.toProviderRequest(request, model);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(400);
    expect((error as GatewayError).message).toContain("google-vertex-ai/google/{gemini model}");
  });
});
