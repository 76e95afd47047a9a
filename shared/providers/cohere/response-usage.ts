import { countAt, type JsonRecord, recordAt } from "../../translation/common/json-values.ts";
import { toOpenAIUsage } from "../../translation/common/usage.ts";
import type { OpenAIUsage } from "../../translation/openai/chat-schema.ts";

/**
 * Cohere v2 `usage` (https://docs.cohere.com/reference/chat): `billed_units` {input_tokens, output_tokens}
 * is what Cohere charges; `tokens` counts everything the model read and wrote, Cohere's prompt template and
 * tool instructions included; `cached_tokens` counts prompt tokens served from cache, on the `tokens` basis.
 *
 * Billed units are canonical (as in the log's reader, usage.ts here): prices are per
 * billed token. `tokens` is the fallback when no billed units are reported. `cached_tokens` is on another
 * basis than billed units (it can exceed billed input), so it is reported only with the `tokens` fallback.
 */
export function cohereUsage(usage: JsonRecord): OpenAIUsage | undefined {
  const billed = recordAt(usage, "billed_units");
  const tokens = recordAt(usage, "tokens");
  const billedInput = countAt(billed, "input_tokens");
  const input = billedInput ?? countAt(tokens, "input_tokens");
  const output = countAt(billed, "output_tokens") ?? countAt(tokens, "output_tokens");
  if (input === undefined && output === undefined) return undefined;
  const totalInput = input ?? 0;
  const cached = billedInput === undefined ? Math.min(countAt(usage, "cached_tokens") ?? 0, totalInput) : 0;
  return toOpenAIUsage({
    uncachedInput: totalInput - cached,
    cacheRead: cached,
    cacheWrite: 0,
    output: output ?? 0,
  });
}
