import type { ProviderDefinition } from "../provider-definition.ts";
import { withOpenAIChatFallback } from "../usage/openai-chat-fallback.ts";
import { anthropicTranslator } from "./translator.ts";
import { extractAnthropicUsage } from "./usage.ts";

export const anthropicProvider: ProviderDefinition = {
  slug: "anthropic",
  baseUrl: "https://api.anthropic.com",
  credentialStyle: "x-api-key",
  usageFormat: "anthropic",
  usageExtractor: withOpenAIChatFallback(extractAnthropicUsage),
  errorDialect: "anthropic",
  translator: () => anthropicTranslator,
};
