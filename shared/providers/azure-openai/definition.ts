import { extractOpenAIUsage } from "../openai-compatible/usage.ts";
import type { ProviderDefinition } from "../provider-definition.ts";
import { azureOpenAITranslator } from "./translator.ts";
import { azureOpenAIHost } from "./upstream-host.ts";

/**
 * Azure OpenAI: OpenAI's wire format on a host per resource, keyed by `api-key`; the unified model is
 * `azure-openai/{resource}/{deployment}`, and the caller may choose the api-version.
 */
export const azureOpenAIProvider: ProviderDefinition = {
  slug: "azure-openai",
  baseUrl: "https://{resource}.openai.azure.com",
  upstreamHost: azureOpenAIHost,
  credentialStyle: "api-key",
  // {resource}/{deployment}/...: the deployment names the model.
  modelInPath: (segments) => segments[1] || null,
  usageFormat: "openai",
  usageExtractor: extractOpenAIUsage,
  translator: (options) => azureOpenAITranslator(options.apiVersion ?? null),
};
