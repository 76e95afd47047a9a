import { extractOpenAIChatUsage } from "../openai-compatible/usage.ts";
import type { UsageExtractor } from "./types.ts";
import { hasCounts } from "./usage-accumulator.ts";

/**
 * Native shape first; then the Chat Completions shape, which Anthropic, Gemini and Cohere also serve
 * from their OpenAI-compatible endpoints.
 */
export function withOpenAIChatFallback(native: UsageExtractor): UsageExtractor {
  return (value) => {
    const patch = native(value);
    if (patch !== null && hasCounts(patch)) return patch;
    return extractOpenAIChatUsage(value) ?? patch;
  };
}
