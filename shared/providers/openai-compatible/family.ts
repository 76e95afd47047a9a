import type { EmbeddingsAdapter, ProviderDefinition } from "../provider-definition.ts";
import { createOpenAICompatibleTranslator } from "./translator.ts";
import { extractOpenAIUsage } from "./usage.ts";

/**
 * One OpenAI-compatible provider: the canonical format is its wire format, so a row says only where it
 * lives and what it refuses. A refused parameter is a 400 that names it rather than an upstream error or
 * a silent drop.
 */
export interface OpenAICompatibleRow {
  slug: string;
  baseUrl: string;
  /**
   * The chat endpoint under `baseUrl` for the unified API (`{model}` is replaced by the encoded model id);
   * null: provider-native only (no chat completions the unified API could call).
   */
  chatPath: string | null;
  /** Request parameters the provider does not take (checked before the call). */
  refusedParameters?: readonly string[];
  redundantPathPrefix?: string;
  modelAliases?: readonly string[];
  embeddings?: EmbeddingsAdapter;
  nativeResponses?: boolean;
}

/** The registry row of an OpenAI-compatible provider: Bearer key, OpenAI usage, the family's translator. */
export function openAICompatibleProvider(row: OpenAICompatibleRow): ProviderDefinition {
  const { chatPath, refusedParameters, ...rest } = row;
  const definition: ProviderDefinition = {
    ...rest,
    credentialStyle: "bearer",
    usageFormat: "openai",
    usageExtractor: extractOpenAIUsage,
  };
  if (chatPath === null) return definition;
  const translator = createOpenAICompatibleTranslator({
    provider: row.slug,
    path: chatPath,
    refusedParameters: refusedParameters ?? [],
  });
  return { ...definition, translator: () => translator };
}
