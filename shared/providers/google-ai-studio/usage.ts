import { countAt, isRecord, recordAt, stringAt } from "../usage/json-values.ts";
import type { UsagePatch } from "../usage/types.ts";

/**
 * Gemini API and Vertex AI `generateContent` / `streamGenerateContent`: `usageMetadata` with
 * `promptTokenCount`, `candidatesTokenCount`, `thoughtsTokenCount`, `cachedContentTokenCount`,
 * `toolUsePromptTokenCount`, and `modelVersion` beside it.
 *
 * Streamed, every chunk carries `usageMetadata` and the LAST one is authoritative, so a chunk's usage
 * replaces the previous one entirely (fields it lacks become null or 0) rather than merging field by field.
 *
 * - tokensIn = promptTokenCount + toolUsePromptTokenCount. `promptTokenCount` already INCLUDES the cached
 *   content, so `cachedContentTokenCount` is reported as cacheRead and never added. Tool-use prompt tokens
 *   (e.g. grounding results fed back to the model) are input the model processed; Gemini reports them
 *   outside `promptTokenCount` (`totalTokenCount` adds them), so they are added here.
 * - tokensOut = candidatesTokenCount + thoughtsTokenCount (thinking is billed as output). Gemini omits
 *   zero counts, so a usage block with a prompt count but no output counts means 0 output.
 * - Gemini has no per-response cache-write figure (explicit caches are created by a separate call), so
 *   cacheWrite is null.
 */
export function extractGeminiUsage(value: unknown): UsagePatch | null {
  if (!isRecord(value)) return null;
  const patch: UsagePatch = {};
  const model = stringAt(value, "modelVersion");
  if (model !== undefined) patch.model = model;
  const usage = recordAt(value, "usageMetadata");
  if (usage !== undefined) {
    const prompt = countAt(usage, "promptTokenCount");
    const toolUse = countAt(usage, "toolUsePromptTokenCount");
    const candidates = countAt(usage, "candidatesTokenCount");
    const thoughts = countAt(usage, "thoughtsTokenCount");
    patch.totalInput = prompt === undefined ? null : prompt + (toolUse ?? 0);
    patch.output =
      candidates === undefined && thoughts === undefined
        ? prompt === undefined
          ? null
          : 0
        : (candidates ?? 0) + (thoughts ?? 0);
    patch.cacheRead = countAt(usage, "cachedContentTokenCount") ?? null;
    patch.cacheWrite = null;
    patch.uncachedInput = null;
  }
  return Object.keys(patch).length > 0 ? patch : null;
}
