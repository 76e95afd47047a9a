import { countAt, isRecord, type JsonRecord, recordAt, stringAt } from "../usage/json-values.ts";
import type { UsagePatch } from "../usage/types.ts";

/**
 * OpenAI and the OpenAI-compatible family. One function reads every OpenAI shape:
 * - Chat Completions body, and the streamed chunk that carries `usage` (the last one before `[DONE]`,
 *   sent only with `stream_options.include_usage`; earlier chunks carry `usage: null`):
 *   `usage.prompt_tokens`, `completion_tokens`, `prompt_tokens_details.cached_tokens`.
 * - Embeddings body: `usage.prompt_tokens` and `total_tokens`, no completion tokens (output is 0).
 * - Responses API body (`object: "response"`) and its stream events (`response.created`,
 *   `response.completed`, `response.incomplete`, `response.failed` carry the response object):
 *   `usage.input_tokens`, `output_tokens`, `input_tokens_details.cached_tokens`.
 *
 * OpenAI counts cached tokens INSIDE `prompt_tokens` / `input_tokens`, so they become `totalInput` and
 * `cached_tokens` is reported beside them, never added. `cache_write_tokens` (sent by some models and by
 * OpenRouter) is read the same way. DeepSeek reports cache hits as `prompt_cache_hit_tokens`, also
 * inside `prompt_tokens`. Groq has sent streamed usage under `x_groq.usage`.
 */
export function extractOpenAIUsage(value: unknown): UsagePatch | null {
  if (!isRecord(value)) return null;
  // A Responses API stream event wraps the response object.
  if (typeof value.type === "string" && value.type.startsWith("response.") && isRecord(value.response)) {
    return extractOpenAIUsage(value.response);
  }
  const patch: UsagePatch = {};
  const model = stringAt(value, "model");
  if (model !== undefined) patch.model = model;
  const usage = recordAt(value, "usage") ?? recordAt(recordAt(value, "x_groq"), "usage");
  if (usage !== undefined) Object.assign(patch, readOpenAIUsageObject(usage));
  return Object.keys(patch).length > 0 ? patch : null;
}

/** The `usage` object of any OpenAI shape (Chat Completions, embeddings, Responses). */
export function readOpenAIUsageObject(usage: JsonRecord): UsagePatch {
  const promptTokens = countAt(usage, "prompt_tokens");
  if (promptTokens !== undefined) {
    const details = recordAt(usage, "prompt_tokens_details");
    const patch: UsagePatch = { totalInput: promptTokens };
    const completion = countAt(usage, "completion_tokens");
    if (completion !== undefined) patch.output = completion;
    // Embeddings: no completion tokens at all, and the total is the prompt.
    else if (countAt(usage, "total_tokens") === promptTokens) patch.output = 0;
    const cached = countAt(details, "cached_tokens") ?? countAt(usage, "prompt_cache_hit_tokens");
    if (cached !== undefined) patch.cacheRead = cached;
    const written = countAt(details, "cache_write_tokens");
    if (written !== undefined) patch.cacheWrite = written;
    return patch;
  }
  const inputTokens = countAt(usage, "input_tokens");
  if (inputTokens !== undefined) {
    const details = recordAt(usage, "input_tokens_details");
    const patch: UsagePatch = { totalInput: inputTokens };
    const output = countAt(usage, "output_tokens");
    if (output !== undefined) patch.output = output;
    const cached = countAt(details, "cached_tokens");
    if (cached !== undefined) patch.cacheRead = cached;
    const written = countAt(details, "cache_write_tokens");
    if (written !== undefined) patch.cacheWrite = written;
    return patch;
  }
  return {};
}

/**
 * Only the Chat Completions / embeddings shape (`usage.prompt_tokens`), for providers whose native format
 * is something else but which also serve an OpenAI-compatible endpoint (Anthropic, Gemini, Cohere,
 * Bedrock). Narrower than `extractOpenAIUsage` so it never misreads a native `usage.input_tokens`.
 */
export function extractOpenAIChatUsage(value: unknown): UsagePatch | null {
  const usage = recordAt(value, "usage");
  if (usage === undefined || countAt(usage, "prompt_tokens") === undefined) return null;
  const patch = readOpenAIUsageObject(usage);
  const model = stringAt(value as JsonRecord, "model");
  if (model !== undefined) patch.model = model;
  return patch;
}
