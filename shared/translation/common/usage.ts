import type { OpenAIUsage } from "../openai/chat-schema.ts";

export interface UsageFigures {
  /** Input tokens that were neither read from nor written to a cache. */
  uncachedInput: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

/**
 * OpenAI usage from normalised figures: prompt_tokens counts ALL input (uncached + cache reads + cache
 * writes), and cached_tokens the cache reads within it, so nothing is lost or counted twice.
 */
export function toOpenAIUsage(figures: UsageFigures): OpenAIUsage {
  const prompt = figures.uncachedInput + figures.cacheRead + figures.cacheWrite;
  return {
    prompt_tokens: prompt,
    completion_tokens: figures.output,
    total_tokens: prompt + figures.output,
    prompt_tokens_details: { cached_tokens: figures.cacheRead },
  };
}
