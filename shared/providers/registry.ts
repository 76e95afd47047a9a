/**
 * THE list of providers the provider-native surface `/v1/{account}/{gateway}/{provider}/...` serves,
 * with the upstream each one maps to (reference section 2). Adding a provider is one entry here.
 *
 * `usageFormat` names the response shape the log reads token usage from:
 * - openai: `usage.prompt_tokens` / `completion_tokens` (also the OpenAI-compatible family)
 * - anthropic: `usage.input_tokens` / `output_tokens` (+ cache tokens), `message_start` / `message_delta` events
 * - gemini: `usageMetadata.promptTokenCount` / `candidatesTokenCount`
 * - bedrock: Converse `usage.inputTokens` / `outputTokens`, ConverseStream `metadata` event
 * - cohere: `meta.billed_units` (v1) or `usage.billed_units` (v2)
 */
export type UsageFormat = "openai" | "anthropic" | "gemini" | "bedrock" | "cohere" | "none";

/** How the path after the provider slug selects the upstream host. */
export type HostStyle =
  | "fixed" // base URL + rest of the path
  | "azure-openai" // {resource}/{deployment}/... -> https://{resource}.openai.azure.com/openai/deployments/{deployment}/...
  | "aws-bedrock" // {service}/{region}/... -> https://{service}.{region}.amazonaws.com/...
  | "google-vertex-ai"; // v1/projects/{p}/locations/{region}/... -> https://{region}-aiplatform.googleapis.com/v1/...

/**
 * How a stored provider key (BYOK) is presented to the provider: as a header, by signing the request
 * with AWS SigV4 (Bedrock), or as an OAuth access token minted from a service account (Vertex AI,
 * shared/providers/google-service-account.ts).
 */
export type CredentialStyle =
  | "bearer"
  | "x-api-key"
  | "x-goog-api-key"
  | "api-key"
  | "sigv4"
  | "google-service-account";

export interface ProviderDefinition {
  slug: string;
  /** The upstream base that replaces `/v1/{account}/{gateway}/{slug}`; for templated hosts, a documentation value. */
  baseUrl: string;
  hostStyle: HostStyle;
  usageFormat: UsageFormat;
  credentialStyle: CredentialStyle;
  /** A leading path segment clients may add that the base URL already carries (OpenRouter documents both forms). */
  redundantPathPrefix?: string;
}

const providers: ProviderDefinition[] = [
  {
    slug: "openai",
    baseUrl: "https://api.openai.com/v1",
    hostStyle: "fixed",
    credentialStyle: "bearer",
    usageFormat: "openai",
  },
  {
    slug: "anthropic",
    baseUrl: "https://api.anthropic.com",
    hostStyle: "fixed",
    credentialStyle: "x-api-key",
    usageFormat: "anthropic",
  },
  {
    slug: "google-ai-studio",
    baseUrl: "https://generativelanguage.googleapis.com",
    hostStyle: "fixed",
    credentialStyle: "x-goog-api-key",
    usageFormat: "gemini",
  },
  {
    slug: "google-vertex-ai",
    baseUrl: "https://{region}-aiplatform.googleapis.com",
    hostStyle: "google-vertex-ai",
    credentialStyle: "google-service-account",
    usageFormat: "gemini",
  },
  {
    slug: "aws-bedrock",
    baseUrl: "https://{service}.{region}.amazonaws.com",
    hostStyle: "aws-bedrock",
    credentialStyle: "sigv4",
    usageFormat: "bedrock",
  },
  {
    slug: "azure-openai",
    baseUrl: "https://{resource}.openai.azure.com",
    hostStyle: "azure-openai",
    credentialStyle: "api-key",
    usageFormat: "openai",
  },
  {
    slug: "groq",
    baseUrl: "https://api.groq.com/openai/v1",
    hostStyle: "fixed",
    credentialStyle: "bearer",
    usageFormat: "openai",
  },
  {
    slug: "mistral",
    baseUrl: "https://api.mistral.ai",
    hostStyle: "fixed",
    credentialStyle: "bearer",
    usageFormat: "openai",
  },
  {
    slug: "cohere",
    baseUrl: "https://api.cohere.ai",
    hostStyle: "fixed",
    credentialStyle: "bearer",
    usageFormat: "cohere",
  },
  {
    slug: "deepseek",
    baseUrl: "https://api.deepseek.com",
    hostStyle: "fixed",
    credentialStyle: "bearer",
    usageFormat: "openai",
  },
  {
    slug: "grok",
    baseUrl: "https://api.x.ai",
    hostStyle: "fixed",
    credentialStyle: "bearer",
    usageFormat: "openai",
  },
  {
    slug: "perplexity-ai",
    baseUrl: "https://api.perplexity.ai",
    hostStyle: "fixed",
    credentialStyle: "bearer",
    usageFormat: "openai",
  },
  {
    slug: "openrouter",
    baseUrl: "https://openrouter.ai/api/v1",
    hostStyle: "fixed",
    credentialStyle: "bearer",
    usageFormat: "openai",
    redundantPathPrefix: "v1",
  },
  {
    slug: "huggingface",
    baseUrl: "https://api-inference.huggingface.co/models",
    hostStyle: "fixed",
    credentialStyle: "bearer",
    usageFormat: "openai",
  },
  {
    slug: "replicate",
    baseUrl: "https://api.replicate.com/v1",
    hostStyle: "fixed",
    credentialStyle: "bearer",
    usageFormat: "none",
  },
  {
    slug: "cerebras",
    baseUrl: "https://api.cerebras.ai/v1",
    hostStyle: "fixed",
    credentialStyle: "bearer",
    usageFormat: "openai",
  },
];

const bySlug = new Map(providers.map((provider) => [provider.slug, provider]));

export function findProvider(slug: string): ProviderDefinition | undefined {
  return bySlug.get(slug);
}

export function providerSlugs(): string[] {
  return providers.map((provider) => provider.slug);
}
