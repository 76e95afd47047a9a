/**
 * The OpenAI-compatible family as configuration over one implementation: where each provider's chat
 * endpoint sits under its base URL (shared/providers/registry.ts) and which request parameters it refuses.
 * A refused parameter is a 400 that names it rather than an upstream error or a silent drop.
 */
export interface OpenAICompatibleOptions {
  provider: string;
  /** Path under the provider base URL; `{model}` is replaced by the encoded model id. */
  path: string;
  /** The model is named in the path and not in the body (Azure, shared/translation/azure-openai/). */
  modelInPath?: boolean;
  refusedParameters: readonly string[];
}

export const OPENAI_COMPATIBLE_PROVIDERS: Record<string, OpenAICompatibleOptions> = {
  openai: { provider: "openai", path: "chat/completions", refusedParameters: [] },
  // https://console.groq.com/docs/openai#currently-unsupported-openai-features
  groq: {
    provider: "groq",
    path: "chat/completions",
    refusedParameters: ["logprobs", "logit_bias", "top_logprobs", "n"],
  },
  mistral: {
    provider: "mistral",
    path: "v1/chat/completions",
    refusedParameters: ["logit_bias", "top_logprobs"],
  },
  deepseek: { provider: "deepseek", path: "chat/completions", refusedParameters: [] },
  grok: { provider: "grok", path: "v1/chat/completions", refusedParameters: [] },
  "perplexity-ai": {
    provider: "perplexity-ai",
    path: "chat/completions",
    refusedParameters: ["n", "logit_bias"],
  },
  cerebras: { provider: "cerebras", path: "chat/completions", refusedParameters: ["logit_bias", "n"] },
  openrouter: { provider: "openrouter", path: "chat/completions", refusedParameters: [] },
};
