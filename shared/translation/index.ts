import { anthropicTranslator } from "./anthropic/index.ts";
import { azureOpenAITranslator } from "./azure-openai/index.ts";
import { bedrockConverseTranslator } from "./bedrock-converse/index.ts";
import { cohereTranslator } from "./cohere/index.ts";
import { geminiTranslator } from "./gemini/index.ts";
import { vertexGeminiTranslator } from "./google-vertex-ai/index.ts";
import { openAICompatibleTranslator } from "./openai-compatible/index.ts";
import type { ProviderTranslator } from "./types.ts";

export { clientAskedForUsage, isUsageChunk } from "./common/stream-usage.ts";
export { parseChatRequest } from "./openai/chat-schema.ts";
export type { ProviderTranslator, TranslatedRequest } from "./types.ts";

export interface TranslatorOptions {
  /** Azure OpenAI: the caller's `?api-version=`, replacing the default. */
  apiVersion?: string | null;
}

/** The translator for a provider slug of shared/providers/registry.ts, or undefined when there is none. */
export function translatorFor(
  provider: string,
  options: TranslatorOptions = {},
): ProviderTranslator | undefined {
  switch (provider) {
    case "anthropic":
      return anthropicTranslator;
    case "aws-bedrock":
      return bedrockConverseTranslator;
    case "azure-openai":
      return azureOpenAITranslator(options.apiVersion ?? null);
    case "cohere":
      return cohereTranslator;
    case "google-ai-studio":
      return geminiTranslator;
    case "google-vertex-ai":
      return vertexGeminiTranslator;
    default:
      return openAICompatibleTranslator(provider);
  }
}
