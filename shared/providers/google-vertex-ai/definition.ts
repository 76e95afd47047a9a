import { geminiUsageExtractor } from "../google-ai-studio/definition.ts";
import { geminiModelInPath } from "../model-in-path.ts";
import type { ProviderDefinition } from "../provider-definition.ts";
import { vertexGeminiTranslator } from "./translator.ts";
import { googleVertexAIHost } from "./upstream-host.ts";

/** Gemini on Vertex AI: the host comes from the path's location; the unified API takes `google/{model}`. */
export const googleVertexAIProvider: ProviderDefinition = {
  slug: "google-vertex-ai",
  baseUrl: "https://{region}-aiplatform.googleapis.com",
  upstreamHost: googleVertexAIHost,
  credentialStyle: "google-service-account",
  modelInPath: geminiModelInPath,
  usageFormat: "gemini",
  usageExtractor: geminiUsageExtractor,
  errorDialect: "google",
  translator: () => vertexGeminiTranslator,
};
