import type { TokenUsage } from "../providers/usage/types.ts";
import type { CustomCost } from "./custom-cost.ts";
import { findPrice, type PriceTable } from "./model-match.ts";
import { PRICES } from "./prices.ts";

export interface CostResult {
  /** US dollars; null when the response reported no tokens, or the model is not priced. */
  cost: number | null;
  /** The cost came from `cf-aig-custom-cost`. */
  custom_cost: boolean;
}

/** Per-token rates in US dollars, as both the table (divided by a million) and the header give them. */
interface Rates {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

const PER_MILLION = 1_000_000;

/** Rounds away binary noise (0.1 + 0.2) without losing any price that a table or header can express. */
const tidy = (usd: number) => Math.round(usd * 1e12) / 1e12;

/**
 * Prices normalised usage (see TokenUsage: tokensIn INCLUDES cache reads and writes). Every input token is
 * charged exactly once:
 *
 *   uncached input = tokensIn - cacheRead - cacheWrite      at the input rate
 *   cacheRead                                               at the cache-read rate (default: input)
 *   cacheWrite                                              at the cache-write rate (default: input)
 *   tokensOut                                               at the output rate
 *
 * The cost is null when the response reported neither input nor output tokens; a side that was not
 * reported counts as zero (an embeddings response has no output tokens). A custom cost applies to any
 * model, priced or not, but only when tokens were reported; otherwise `custom_cost` stays false.
 */
export function computeCost(
  provider: string | null,
  model: string | null,
  usage: TokenUsage | null,
  customCost?: CustomCost | null,
  table: PriceTable = PRICES,
): CostResult {
  if (!usage || (usage.tokensIn === null && usage.tokensOut === null))
    return { cost: null, custom_cost: false };
  if (customCost) {
    return {
      cost: costOf(usage, {
        input: customCost.perTokenIn,
        output: customCost.perTokenOut,
        cacheRead: customCost.perCacheReadToken,
        cacheWrite: customCost.perCacheWriteToken,
      }),
      custom_cost: true,
    };
  }
  if (!provider) return { cost: null, custom_cost: false };
  // The request's model first; else the model the response reported (a deployment or alias name in the
  // request can hide a model the response names).
  const names = [model, usage.model].filter((name): name is string => Boolean(name));
  const price = names.map((name) => findPrice(provider, name, table)).find((found) => found !== null) ?? null;
  if (!price) return { cost: null, custom_cost: false };
  return {
    cost: costOf(usage, {
      input: price.input / PER_MILLION,
      output: price.output / PER_MILLION,
      cacheRead: (price.cacheRead ?? price.input) / PER_MILLION,
      cacheWrite: (price.cacheWrite ?? price.input) / PER_MILLION,
    }),
    custom_cost: false,
  };
}

function costOf(usage: TokenUsage, rates: Rates): number {
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const uncached = Math.max(0, (usage.tokensIn ?? 0) - cacheRead - cacheWrite);
  return tidy(
    uncached * rates.input +
      cacheRead * rates.cacheRead +
      cacheWrite * rates.cacheWrite +
      (usage.tokensOut ?? 0) * rates.output,
  );
}
