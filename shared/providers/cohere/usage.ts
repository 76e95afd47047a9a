import { extractOpenAIChatUsage } from "../openai-compatible/usage.ts";
import { countAt, isRecord, type JsonRecord, recordAt, stringAt } from "../usage/json-values.ts";
import type { UsagePatch } from "../usage/types.ts";

/**
 * Cohere:
 * - v1 body (chat, embed, ...): `meta.billed_units.input_tokens` / `output_tokens`, `meta.tokens` (the
 *   raw counts, template tokens included), `meta.cached_tokens`;
 * - v1 stream: the `stream-end` event carries the whole v1 response under `response`;
 * - v2 body: `usage.billed_units`, `usage.tokens`, `usage.cached_tokens`;
 * - v2 stream: the `message-end` event carries `delta.usage`;
 * - the OpenAI-compatible endpoint: the Chat Completions shape.
 *
 * Billed units are what Cohere charges, so they are preferred; `tokens` is the fallback. Cohere describes
 * `cached_tokens` as "the number of prompt tokens that hit the inference cache", on the `tokens` basis
 * (recorded answers show 992 cached tokens beside 119 billed input tokens): it is part of the input
 * (cacheRead, not added) only when the input is read from `tokens`; beside billed units it is left out
 * (response-usage.ts here does the same for the unified API). Embed responses bill no output: output is 0 when
 * input is reported without an output figure.
 */
export function extractCohereUsage(value: unknown): UsagePatch | null {
  if (!isRecord(value)) return null;
  if (value.event_type === "stream-end" && isRecord(value.response))
    return extractCohereUsage(value.response);
  const usage =
    value.type === "message-end"
      ? recordAt(recordAt(value, "delta"), "usage")
      : (recordAt(value, "usage") ?? recordAt(value, "meta"));
  const patch: UsagePatch = {};
  const model = stringAt(value, "model");
  if (model !== undefined) patch.model = model;
  if (usage !== undefined) {
    if (countAt(usage, "prompt_tokens") !== undefined) return extractOpenAIChatUsage(value);
    Object.assign(patch, readCohereUsageObject(usage));
  }
  return Object.keys(patch).length > 0 ? patch : null;
}

function readCohereUsageObject(usage: JsonRecord): UsagePatch {
  const billed = recordAt(usage, "billed_units");
  const tokens = recordAt(usage, "tokens");
  const billedInput = countAt(billed, "input_tokens");
  const input = billedInput ?? countAt(tokens, "input_tokens");
  const output = countAt(billed, "output_tokens") ?? countAt(tokens, "output_tokens");
  const patch: UsagePatch = {};
  if (input !== undefined) patch.totalInput = input;
  if (output !== undefined) patch.output = output;
  else if (input !== undefined) patch.output = 0;
  // cached_tokens counts on the `tokens` basis (Cohere's template included), which billed units leave out:
  // it can exceed the billed input, so it is kept only when the input itself comes from `tokens`.
  const cached = countAt(usage, "cached_tokens");
  if (cached !== undefined && input !== undefined && billedInput === undefined) {
    patch.cacheRead = Math.min(cached, input);
  }
  return patch;
}
