import type { ErrorDialect } from "../http/error-response.ts";
import { CUSTOM_PROVIDER_SLUG_PATTERN } from "../schemas/custom-provider.ts";
import type { ProviderTranslator } from "../translation/types.ts";
import { anthropicProvider } from "./anthropic/definition.ts";
import { awsBedrockProvider } from "./aws-bedrock/definition.ts";
import { azureOpenAIProvider } from "./azure-openai/definition.ts";
import { cohereProvider } from "./cohere/definition.ts";
import { googleAIStudioProvider } from "./google-ai-studio/definition.ts";
import { googleVertexAIProvider } from "./google-vertex-ai/definition.ts";
import { mistralEmbeddings, openAIEmbeddings, openRouterEmbeddings } from "./openai-compatible/embeddings.ts";
import { openAICompatibleProvider } from "./openai-compatible/family.ts";
import type { ProviderDefinition, TranslatorOptions, UsageFormat } from "./provider-definition.ts";
import type { UsageExtractor } from "./usage/types.ts";

export type {
  CredentialStyle,
  ProviderDefinition,
  TranslatorOptions,
  UsageFormat,
} from "./provider-definition.ts";

/**
 * THE list of providers, and the only place in the gateway that tells one provider from another: each row
 * carries everything the gateway does differently for that provider (shared/providers/provider-definition.ts).
 * The provider-native surface `/v1/{account}/{gateway}/{provider}/...` serves every row (reference section 2);
 * the unified API serves the rows with a translator. A native provider is one folder under
 * shared/providers/{slug}/ and one line here; an OpenAI-compatible provider is one `openAICompatibleProvider`
 * row (docs/providers.md). The order is the order of the "Supported providers" lists in error messages.
 */
const providers: ProviderDefinition[] = [
  openAICompatibleProvider({
    slug: "openai",
    baseUrl: "https://api.openai.com/v1",
    chatPath: "chat/completions",
    embeddings: openAIEmbeddings,
    nativeResponses: true,
  }),
  anthropicProvider,
  googleAIStudioProvider,
  googleVertexAIProvider,
  awsBedrockProvider,
  azureOpenAIProvider,
  // https://console.groq.com/docs/openai#currently-unsupported-openai-features
  openAICompatibleProvider({
    slug: "groq",
    baseUrl: "https://api.groq.com/openai/v1",
    chatPath: "chat/completions",
    refusedParameters: ["logprobs", "logit_bias", "top_logprobs", "n"],
  }),
  openAICompatibleProvider({
    slug: "mistral",
    baseUrl: "https://api.mistral.ai",
    chatPath: "v1/chat/completions",
    refusedParameters: ["logit_bias", "top_logprobs"],
    embeddings: mistralEmbeddings,
  }),
  cohereProvider,
  openAICompatibleProvider({
    slug: "deepseek",
    baseUrl: "https://api.deepseek.com",
    chatPath: "chat/completions",
  }),
  openAICompatibleProvider({
    slug: "grok",
    baseUrl: "https://api.x.ai",
    chatPath: "v1/chat/completions",
    modelAliases: ["xai"],
  }),
  openAICompatibleProvider({
    slug: "perplexity-ai",
    baseUrl: "https://api.perplexity.ai",
    chatPath: "chat/completions",
    refusedParameters: ["n", "logit_bias"],
    // Cloudflare's compat list writes `perplexity/...`.
    modelAliases: ["perplexity"],
  }),
  openAICompatibleProvider({
    slug: "openrouter",
    baseUrl: "https://openrouter.ai/api/v1",
    chatPath: "chat/completions",
    redundantPathPrefix: "v1",
    embeddings: openRouterEmbeddings,
  }),
  openAICompatibleProvider({
    slug: "huggingface",
    baseUrl: "https://api-inference.huggingface.co/models",
    chatPath: null,
  }),
  // Replicate: provider-native only, and its predictions carry no token usage.
  {
    slug: "replicate",
    baseUrl: "https://api.replicate.com/v1",
    credentialStyle: "bearer",
    usageFormat: "none",
  },
  openAICompatibleProvider({
    slug: "cerebras",
    baseUrl: "https://api.cerebras.ai/v1",
    chatPath: "chat/completions",
    refusedParameters: ["logit_bias", "n"],
  }),
];

const bySlug = new Map(providers.map((provider) => [provider.slug, provider]));
const byAlias = new Map(
  providers.flatMap((provider) => (provider.modelAliases ?? []).map((alias) => [alias, provider] as const)),
);

export function findProvider(slug: string): ProviderDefinition | undefined {
  return bySlug.get(slug);
}

export function providerSlugs(): string[] {
  return providers.map((provider) => provider.slug);
}

/** Every row, in order (for the completeness test and the docs). */
export function providerDefinitions(): readonly ProviderDefinition[] {
  return providers;
}

const CUSTOM_PREFIX = "custom-";

/**
 * A custom provider `custom-{slug}` as the unified API calls it: an OpenAI-compatible API (chat completions
 * and embeddings under its base URL), as custom providers mostly are. The base URL is the account's own
 * setting, resolved per request (core/provider-target.ts); this row carries only what does not depend on it.
 */
function customProviderRow(slug: string): ProviderDefinition | undefined {
  if (!slug.startsWith(CUSTOM_PREFIX) || !CUSTOM_PROVIDER_SLUG_PATTERN.test(slug.slice(CUSTOM_PREFIX.length)))
    return undefined;
  return openAICompatibleProvider({
    slug,
    baseUrl: "",
    chatPath: "chat/completions",
    embeddings: openAIEmbeddings,
  });
}

/** The provider the unified API calls for a slug: a registry row, or a custom provider's row. */
export function findUnifiedProvider(slug: string): ProviderDefinition | undefined {
  return bySlug.get(slug) ?? customProviderRow(slug);
}

/** The provider a unified model prefix names: its slug, one of its aliases, or `custom-{slug}`. */
export function findProviderByModelPrefix(prefix: string): ProviderDefinition | undefined {
  return bySlug.get(prefix) ?? byAlias.get(prefix) ?? customProviderRow(prefix);
}

/** Providers the unified API translates to: the rows with a translator. */
export function unifiedProviderSlugs(): string[] {
  return providers.filter((provider) => provider.translator !== undefined).map((provider) => provider.slug);
}

/** The provider's translator, or undefined when it has none (not on the unified API, or not registered). */
export function translatorFor(slug: string, options: TranslatorOptions = {}): ProviderTranslator | undefined {
  return findUnifiedProvider(slug)?.translator?.(options);
}

/** Errors on a provider-native route are written the way that provider's own client library reads them. */
export function providerDialect(slug: string | undefined): ErrorDialect {
  return (slug === undefined ? undefined : findProvider(slug)?.errorDialect) ?? "openai";
}

const usageExtractors = new Map(
  providers.flatMap((provider) =>
    provider.usageExtractor === undefined ? [] : [[provider.usageFormat, provider.usageExtractor] as const],
  ),
);

/** The usage reader of a response shape, taken from the rows that read it; undefined for "none". */
export function usageExtractorFor(format: UsageFormat): UsageExtractor | undefined {
  return usageExtractors.get(format);
}
