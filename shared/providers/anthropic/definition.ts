import { anthropicTranslator } from "../../translation/anthropic/index.ts";
import type { ProviderDefinition } from "../provider-definition.ts";
import { extractAnthropicUsage } from "../usage/anthropic.ts";
import { withOpenAIChatFallback } from "../usage/openai-chat-fallback.ts";

export const anthropicProvider: ProviderDefinition = {
  slug: "anthropic",
  baseUrl: "https://api.anthropic.com",
  credentialStyle: "x-api-key",
  usageFormat: "anthropic",
  usageExtractor: withOpenAIChatFallback(extractAnthropicUsage),
  errorDialect: "anthropic",
  translator: () => anthropicTranslator,
};
