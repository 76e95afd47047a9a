import type { CustomCost } from "../pricing/custom-cost.ts";
import { findPrice, type PriceTable } from "../pricing/model-match.ts";
import { PRICES } from "../pricing/prices.ts";
import { outputCeiling } from "./spend-output-ceilings.ts";

/**
 * The most a request can cost, worked out before it is sent: what a spend limit reserves
 * (docs/spend-limits.md, "How much is reserved").
 *
 *   bound = input tokens bound  * the dearest input rate (input, cache read or cache write)
 *         + output tokens bound * the output rate
 *
 * - input tokens: the body's size in bytes. A text token is at least one byte of UTF-8, and JSON, base64 and
 *   the request's own field names only add bytes, so for text this is well above the real count. It is not
 *   a bound for what the provider adds by itself (an image fetched from a URL, a tool-use system prompt).
 * - output tokens: the request's own cap (`max_tokens`, `max_completion_tokens`, `max_output_tokens`,
 *   Gemini's `generationConfig.maxOutputTokens`, Bedrock Converse's `inferenceConfig.maxTokens`; the
 *   largest when several are set), else the model's output ceiling; times the number of choices asked for
 *   (`n`, `candidateCount`).
 * - rates: `cf-aig-custom-cost` when the request sets it, else the pricing table. A model without a price
 *   reserves 0: its cost is null and spends nothing (as in Cloudflare, spend limits cover models with known
 *   pricing), so reserving more would refuse requests that can never spend. It is still refused once the
 *   budget is used up.
 */
export interface SpendBoundInput {
  provider: string | null;
  model: string | null;
  /** The request body as it is sent (provider-native) or as the caller sent it (unified). */
  body: Uint8Array | null;
  customCost: CustomCost | null;
}

const PER_MILLION = 1_000_000;
/** Bodies past this are uploads, not prompts, and are not parsed for their caps (the ceiling applies). */
const MAX_PARSED_BODY_BYTES = 8 * 1024 * 1024;

export function spendUpperBound(input: SpendBoundInput, table: PriceTable = PRICES): number {
  const rates = ratesOf(input, table);
  if (!rates) return 0;
  const fields = bodyFields(input.body);
  const cap = outputCap(fields) ?? outputCeiling(input.provider, input.model);
  const inputTokens = input.body?.byteLength ?? 0;
  return inputTokens * rates.input + cap * choices(fields) * rates.output;
}

function ratesOf(input: SpendBoundInput, table: PriceTable): { input: number; output: number } | null {
  if (input.customCost) {
    const { perTokenIn, perTokenOut, perCacheReadToken, perCacheWriteToken } = input.customCost;
    return { input: Math.max(perTokenIn, perCacheReadToken, perCacheWriteToken), output: perTokenOut };
  }
  if (!input.provider || !input.model) return null;
  const price = findPrice(input.provider, input.model, table);
  if (!price) return null;
  const dearestInput = Math.max(price.input, price.cacheRead ?? 0, price.cacheWrite ?? 0);
  return { input: dearestInput / PER_MILLION, output: price.output / PER_MILLION };
}

type Fields = Record<string, unknown>;

function bodyFields(body: Uint8Array | null): Fields {
  if (!body || body.byteLength === 0 || body.byteLength > MAX_PARSED_BODY_BYTES) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString());
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Fields) : {};
  } catch {
    return {};
  }
}

const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value > 0;

const nested = (fields: Fields, object: string, field: string): unknown => {
  const inner = fields[object];
  return typeof inner === "object" && inner !== null ? (inner as Fields)[field] : undefined;
};

/** The request's own output cap, or null when it sets none (a malformed one is the provider's to refuse). */
function outputCap(fields: Fields): number | null {
  const caps = [
    fields.max_tokens,
    fields.max_completion_tokens,
    fields.max_output_tokens,
    nested(fields, "generationConfig", "maxOutputTokens"),
    nested(fields, "inferenceConfig", "maxTokens"),
  ].filter(isCount);
  return caps.length > 0 ? Math.max(...caps) : null;
}

function choices(fields: Fields): number {
  const asked = [fields.n, nested(fields, "generationConfig", "candidateCount")].filter(isCount);
  return asked.length > 0 ? Math.max(...asked) : 1;
}
