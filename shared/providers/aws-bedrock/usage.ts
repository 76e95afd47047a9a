import { extractAnthropicUsage, looksAnthropic } from "../anthropic/usage.ts";
import { extractOpenAIChatUsage } from "../openai-compatible/usage.ts";
import { countAt, isRecord, type JsonRecord, recordAt } from "../usage/json-values.ts";
import type { UsagePatch } from "../usage/types.ts";
import { hasCounts } from "../usage/usage-accumulator.ts";

const INVOCATION_METRICS = "amazon-bedrock-invocationMetrics";

/**
 * Amazon Bedrock runtime. Which shape arrives depends on the operation and the model:
 * - Converse body, and ConverseStream's `metadata` event (decoded from the binary event stream; its
 *   payload is `{ usage, metrics }`): `usage.inputTokens`, `outputTokens`, `cacheReadInputTokens`,
 *   `cacheWriteInputTokens`. Nova's InvokeModel body uses the same `usage` names.
 *   AWS reports `inputTokens` EXCLUDING cache reads and writes (`totalTokens` is the sum of all four;
 *   e.g. inputTokens 4, cacheRead 1490, output 832, total 2326), so it is `uncachedInput`.
 * - InvokeModel with Claude: the Anthropic Messages body; InvokeModelWithResponseStream with Claude: the
 *   Anthropic stream events inside `chunk.bytes` (see `extractAnthropicUsage`).
 * - InvokeModel with OpenAI-style models (gpt-oss, Jamba) or the OpenAI-compatible endpoint: the Chat
 *   Completions shape.
 * - InvokeModel with Llama: `prompt_token_count`, `generation_token_count` (cumulative when streamed).
 * - The last streamed chunk of InvokeModelWithResponseStream carries `amazon-bedrock-invocationMetrics`
 *   (`inputTokenCount`, `outputTokenCount`, and cache counts when caching is on). It is used only as a
 *   fallback, for fields the model's own events did not report.
 */
export function extractBedrockUsage(value: unknown): UsagePatch | null {
  if (!isRecord(value)) return null;
  const wrapped = recordAt(value, "metadata"); // tolerate a `{ metadata: {...} }` wrapper
  const event = wrapped !== undefined && isRecord(wrapped.usage) ? wrapped : value;

  const converse = readConverseUsage(event);
  if (converse !== null) return converse;
  if (looksAnthropic(event)) {
    const anthropic = extractAnthropicUsage(event);
    if (anthropic !== null && hasCounts(anthropic)) return anthropic;
  }
  const openai = extractOpenAIChatUsage(event);
  if (openai !== null) return openai;
  const llama = readLlamaUsage(event);
  if (llama !== null) return llama;
  const metrics = recordAt(event, INVOCATION_METRICS);
  if (metrics !== undefined) return readInvocationMetrics(metrics);
  // An Anthropic event without counts may still name the model (message_start always has counts, but
  // be lenient).
  return looksAnthropic(event) ? extractAnthropicUsage(event) : null;
}

function readConverseUsage(event: JsonRecord): UsagePatch | null {
  const usage = recordAt(event, "usage");
  if (usage === undefined) return null;
  const input = countAt(usage, "inputTokens");
  const output = countAt(usage, "outputTokens");
  if (input === undefined && output === undefined) return null;
  const patch: UsagePatch = {};
  if (input !== undefined) patch.uncachedInput = input;
  if (output !== undefined) patch.output = output;
  const cacheRead = countAt(usage, "cacheReadInputTokens") ?? countAt(usage, "cacheReadInputTokenCount");
  if (cacheRead !== undefined) patch.cacheRead = cacheRead;
  const cacheWrite = countAt(usage, "cacheWriteInputTokens") ?? countAt(usage, "cacheWriteInputTokenCount");
  if (cacheWrite !== undefined) patch.cacheWrite = cacheWrite;
  return patch;
}

function readLlamaUsage(event: JsonRecord): UsagePatch | null {
  const prompt = countAt(event, "prompt_token_count");
  const generation = countAt(event, "generation_token_count");
  if (prompt === undefined && generation === undefined) return null;
  const patch: UsagePatch = {};
  if (prompt !== undefined) patch.uncachedInput = prompt;
  if (generation !== undefined) patch.output = generation;
  return patch;
}

function readInvocationMetrics(metrics: JsonRecord): UsagePatch | null {
  const patch: UsagePatch = { fallback: true };
  const input = countAt(metrics, "inputTokenCount");
  if (input !== undefined) patch.uncachedInput = input;
  const output = countAt(metrics, "outputTokenCount");
  if (output !== undefined) patch.output = output;
  const cacheRead = countAt(metrics, "cacheReadInputTokenCount");
  if (cacheRead !== undefined) patch.cacheRead = cacheRead;
  const cacheWrite = countAt(metrics, "cacheWriteInputTokenCount");
  if (cacheWrite !== undefined) patch.cacheWrite = cacheWrite;
  return hasCounts(patch) ? patch : null;
}
