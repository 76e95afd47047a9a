import type { ProviderDefinition } from "../provider-definition.ts";
import { withOpenAIChatFallback } from "../usage/openai-chat-fallback.ts";
import { cohereTranslator } from "./translator.ts";
import { extractCohereUsage } from "./usage.ts";

export const cohereProvider: ProviderDefinition = {
  slug: "cohere",
  baseUrl: "https://api.cohere.ai",
  credentialStyle: "bearer",
  usageFormat: "cohere",
  usageExtractor: withOpenAIChatFallback(extractCohereUsage),
  translator: () => cohereTranslator,
};
