import { cohereTranslator } from "../../translation/cohere/index.ts";
import type { ProviderDefinition } from "../provider-definition.ts";
import { extractCohereUsage } from "../usage/cohere.ts";
import { withOpenAIChatFallback } from "../usage/openai-chat-fallback.ts";

export const cohereProvider: ProviderDefinition = {
  slug: "cohere",
  baseUrl: "https://api.cohere.ai",
  credentialStyle: "bearer",
  usageFormat: "cohere",
  usageExtractor: withOpenAIChatFallback(extractCohereUsage),
  translator: () => cohereTranslator,
};
