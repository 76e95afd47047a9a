import { countAt, isRecord, type JsonRecord, recordAt, stringAt } from "../usage/json-values.ts";
import type { UsagePatch } from "../usage/types.ts";

/**
 * Anthropic Messages API (also Claude through Bedrock InvokeModel and Vertex AI):
 * - a Message body: `model`, `usage.input_tokens`, `output_tokens`, `cache_read_input_tokens`,
 *   `cache_creation_input_tokens`;
 * - stream event `message_start`: the same Message under `message` (input and cache figures, and the
 *   output so far, usually 1);
 * - stream event `message_delta`: `usage` with the CUMULATIVE `output_tokens`, and possibly cumulative
 *   input and cache figures (null or absent when not reported).
 *
 * Anthropic counts cache reads and writes OUTSIDE `input_tokens`, so `input_tokens` is `uncachedInput`
 * and the observer adds the cache figures to make tokensIn. A null count means "not reported" and does
 * not erase what `message_start` said.
 */
export function extractAnthropicUsage(value: unknown): UsagePatch | null {
  if (!isRecord(value)) return null;
  const message = value.type === "message_start" ? recordAt(value, "message") : value;
  if (message === undefined) return null;
  const patch: UsagePatch = {};
  const model = stringAt(message, "model");
  if (model !== undefined) patch.model = model;
  const usage = recordAt(message, "usage");
  if (usage !== undefined) Object.assign(patch, readAnthropicUsageObject(usage));
  return Object.keys(patch).length > 0 ? patch : null;
}

export function readAnthropicUsageObject(usage: JsonRecord): UsagePatch {
  const patch: UsagePatch = {};
  const input = countAt(usage, "input_tokens");
  if (input !== undefined) patch.uncachedInput = input;
  const output = countAt(usage, "output_tokens");
  if (output !== undefined) patch.output = output;
  const cacheRead = countAt(usage, "cache_read_input_tokens");
  if (cacheRead !== undefined) patch.cacheRead = cacheRead;
  const cacheWrite = countAt(usage, "cache_creation_input_tokens");
  if (cacheWrite !== undefined) patch.cacheWrite = cacheWrite;
  return patch;
}

/** True when the value is an Anthropic-shaped body or stream event (used by the Bedrock extractor). */
export function looksAnthropic(value: JsonRecord): boolean {
  if (value.type === "message_start" || value.type === "message_delta") return true;
  const usage = recordAt(value, "usage");
  return (
    usage !== undefined &&
    (countAt(usage, "input_tokens") !== undefined || "cache_read_input_tokens" in usage)
  );
}
