import { GatewayError } from "../core/gateway-error.ts";

/** Providers the unified API translates to (each has a translator in shared/translation/). */
export const UNIFIED_PROVIDERS = [
  "openai",
  "anthropic",
  "google-ai-studio",
  "aws-bedrock",
  "groq",
  "mistral",
  "deepseek",
  "grok",
  "perplexity-ai",
  "cerebras",
  "openrouter",
  "cohere",
  "azure-openai", // azure-openai/{resource}/{deployment} (shared/translation/azure-openai/model-name.ts)
  "google-vertex-ai", // google-vertex-ai/google/{gemini model} (shared/translation/google-vertex-ai/)
] as const;

/**
 * Prefixes that name a provider under another name: Cloudflare's compat list writes `perplexity/...`,
 * and its REST surface writes `author/model` (`google/gemini-...`, `xai/grok-...`).
 */
const ALIASES: Record<string, string> = {
  perplexity: "perplexity-ai",
  google: "google-ai-studio",
  xai: "grok",
  bedrock: "aws-bedrock",
};

export interface UnifiedModel {
  provider: string;
  model: string;
}

/** Splits `{provider}/{model}`; a missing or unknown provider is a 400 that names what was sent. */
export function parseUnifiedModel(value: string): UnifiedModel {
  const slash = value.indexOf("/");
  if (slash <= 0 || slash === value.length - 1) {
    throw GatewayError.badRequest(
      `Model "${value.slice(0, 120)}" names no provider: use "{provider}/{model}", for example "openai/gpt-4o-mini"`,
    );
  }
  const prefix = value.slice(0, slash);
  const provider = ALIASES[prefix] ?? prefix;
  if (!(UNIFIED_PROVIDERS as readonly string[]).includes(provider)) {
    throw GatewayError.badRequest(
      `Unknown provider "${prefix.slice(0, 80)}" in model "${value.slice(0, 120)}". Supported providers: ${UNIFIED_PROVIDERS.join(", ")}`,
    );
  }
  return { provider, model: value.slice(slash + 1) };
}
