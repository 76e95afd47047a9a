import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../../shared/core/gateway-error.ts";
import { geminiTranslator } from "../../../../../shared/providers/google-ai-studio/translator.ts";
import { vertexGeminiTranslator } from "../../../../../shared/providers/google-vertex-ai/translator.ts";
import { translatorFor } from "../../../../../shared/providers/registry.ts";
import { parseChatRequest } from "../../../../../shared/translation/openai/chat-schema.ts";
import type { OpenAIChatRequest } from "../../../../../shared/translation/types.ts";
import { parseUnifiedModel } from "../../../../../shared/unified/model-name.ts";

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

describe("Gemini translator refusals on google-vertex-ai", () => {
  const refusalOf = (extra: Record<string, unknown>) => {
    try {
      vertexGeminiTranslator.toProviderRequest(
        parseChatRequest({ ...request, ...extra }),
        "google/gemini-2.5-flash",
      );
    } catch (caught) {
      return caught as GatewayError;
    }
    throw new Error("the request was not refused");
  };
  const mapTool = {
    type: "function",
    function: {
      name: "lookup",
      parameters: { type: "object", additionalProperties: { type: "string" } },
    },
  };

  it.each([
    ["a tool schema Gemini cannot take", { tools: [mapTool] }, "map type"],
    [
      "a response schema Gemini cannot take",
      {
        response_format: {
          type: "json_schema",
          json_schema: { name: "r", schema: { type: ["string", "number"] } },
        },
      },
      "several types",
    ],
    ["a parameter Gemini does not take", { seed: 1 }, "seed"],
    [
      "an image given by URL",
      {
        messages: [
          { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] },
        ],
      },
      "base64 data URLs",
    ],
  ])(
    "refuses %s with a 400 naming google-vertex-ai, the provider the caller used",
    (_case, extra, detail) => {
      const error = refusalOf(extra);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error.status).toBe(400);
      expect(error.message).toContain(detail);
      expect(error.message).toContain("google-vertex-ai");
      expect(error.message).not.toContain("google-ai-studio");
    },
  );

  it("still names google-ai-studio for the same refusal through Google AI Studio", () => {
    expect(() =>
      geminiTranslator.toProviderRequest(
        parseChatRequest({ ...request, tools: [mapTool] }),
        "gemini-2.5-flash",
      ),
    ).toThrow(/which provider google-ai-studio does not support/);
  });
});
