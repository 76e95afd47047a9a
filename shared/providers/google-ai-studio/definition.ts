import { geminiModelInPath } from "../model-in-path.ts";
import type { ProviderDefinition } from "../provider-definition.ts";
import { withOpenAIChatFallback } from "../usage/openai-chat-fallback.ts";
import { geminiEmbeddings } from "./embeddings.ts";
import { geminiTranslator } from "./translator.ts";
import { extractGeminiUsage } from "./usage.ts";

/** Gemini's usage reader, shared with Vertex AI, which serves the same response shape. */
export const geminiUsageExtractor = withOpenAIChatFallback(extractGeminiUsage);

export const googleAIStudioProvider: ProviderDefinition = {
  slug: "google-ai-studio",
  baseUrl: "https://generativelanguage.googleapis.com",
  credentialStyle: "x-goog-api-key",
  modelInPath: geminiModelInPath,
  usageFormat: "gemini",
  usageExtractor: geminiUsageExtractor,
  errorDialect: "google",
  translator: () => geminiTranslator,
  // Cloudflare's REST surface writes `author/model`: `google/gemini-...`.
  modelAliases: ["google"],
  embeddings: geminiEmbeddings,
};
