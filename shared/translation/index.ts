import { anthropicTranslator } from "./anthropic/index.ts";
import { bedrockConverseTranslator } from "./bedrock-converse/index.ts";
import { geminiTranslator } from "./gemini/index.ts";
import { openAICompatibleTranslator } from "./openai-compatible/index.ts";
import type { ProviderTranslator } from "./types.ts";

export { clientAskedForUsage, isUsageChunk } from "./common/stream-usage.ts";
export { parseChatRequest } from "./openai/chat-schema.ts";
export type { ProviderTranslator, TranslatedRequest } from "./types.ts";

/** The translator for a provider slug of shared/providers/registry.ts, or undefined when there is none. */
export function translatorFor(provider: string): ProviderTranslator | undefined {
  switch (provider) {
    case "anthropic":
      return anthropicTranslator;
    case "aws-bedrock":
      return bedrockConverseTranslator;
    case "google-ai-studio":
      return geminiTranslator;
    default:
      return openAICompatibleTranslator(provider);
  }
}
