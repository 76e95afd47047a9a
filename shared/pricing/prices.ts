/**
 * THE pricing table: list prices in US dollars per million tokens, per provider (the registry slug, see
 * shared/providers/registry.ts) and model. Data only; shared/pricing/model-match.ts finds an entry and
 * shared/pricing/compute-cost.ts prices a response with it. docs/pricing.md explains every column, which
 * providers and models are deliberately absent, and how to add or update an entry.
 *
 * - `cacheRead` / `cacheWrite`: null when the source gives no separate price; the cost then charges those
 *   tokens at `input` (an over-estimate when the provider discounts them).
 * - `cacheWrite` is the default (5-minute) cache-write price where a provider has several.
 * - `confirmation`: "official" when the price was read on the provider's own page; "secondary" when the
 *   provider's page itself was not reachable and the price is the one several independent copies of it
 *   agree on (docs/pricing.md names them). A price that could not be confirmed either way is left out.
 */
export interface PriceEntry {
  provider: string;
  /** The canonical model id, lower case. */
  model: string;
  /** Other ids that mean the same model and price (moving aliases, short names). */
  aliases?: readonly string[];
  input: number;
  output: number;
  cacheRead: number | null;
  cacheWrite: number | null;
  source: string;
  /** The date the source was read, YYYY-MM-DD. */
  readOn: string;
  confirmation: "official" | "secondary";
  note?: string;
}

const ANTHROPIC = "https://platform.claude.com/docs/en/about-claude/pricing";
const OPENAI = "https://developers.openai.com/api/docs/pricing";
const DEEPSEEK = "https://api-docs.deepseek.com/quick_start/pricing-details-usd";
const PERPLEXITY = "https://docs.perplexity.ai/getting-started/pricing";
const COHERE = "https://cohere.com/pricing";
const GROQ = "https://groq.com/pricing";
const BEDROCK = "https://aws.amazon.com/bedrock/pricing/";
const XAI = "https://docs.x.ai/docs/models";
const GEMINI = "https://ai.google.dev/gemini-api/docs/pricing";
const READ_ON = "2026-11-25";

function anthropic(
  model: string,
  input: number,
  cacheWrite: number,
  cacheRead: number,
  output: number,
  aliases?: string[],
): PriceEntry {
  return {
    provider: "anthropic",
    model,
    ...(aliases ? { aliases } : {}),
    input,
    output,
    cacheRead,
    cacheWrite,
    source: ANTHROPIC,
    readOn: READ_ON,
    confirmation: "official",
  };
}

export const PRICES: readonly PriceEntry[] = [
  // Anthropic: "Model pricing" table (base input, 5m cache writes, cache hits, output).
  anthropic("claude-opus-4-7", 5, 6.25, 0.5, 25),
  anthropic("claude-opus-4-6", 5, 6.25, 0.5, 25),
  anthropic("claude-opus-4-5", 5, 6.25, 0.5, 25),
  anthropic("claude-opus-4-1", 15, 18.75, 1.5, 75),
  anthropic("claude-opus-4", 15, 18.75, 1.5, 75, ["claude-opus-4-0"]),
  anthropic("claude-sonnet-4-6", 3, 3.75, 0.3, 15),
  anthropic("claude-sonnet-4-5", 3, 3.75, 0.3, 15),
  anthropic("claude-sonnet-4", 3, 3.75, 0.3, 15, ["claude-sonnet-4-0"]),
  anthropic("claude-3-7-sonnet", 3, 3.75, 0.3, 15),
  anthropic("claude-haiku-4-5", 1, 1.25, 0.1, 5),
  anthropic("claude-3-5-haiku", 0.8, 1, 0.08, 4),
  anthropic("claude-3-opus", 15, 18.75, 1.5, 75),
  anthropic("claude-3-haiku", 0.25, 0.3, 0.03, 1.25),

  // OpenAI: text-token prices (input, cached input, output). OpenAI has no cache-write charge.
  {
    provider: "openai",
    model: "gpt-4",
    input: 30,
    output: 60,
    cacheRead: null,
    cacheWrite: null,
    source: "https://developers.openai.com/api/docs/models/gpt-4",
    readOn: READ_ON,
    confirmation: "official",
  },
  {
    provider: "openai",
    model: "gpt-4o",
    input: 2.5,
    output: 10,
    cacheRead: 1.25,
    cacheWrite: 0,
    source: OPENAI,
    readOn: READ_ON,
    confirmation: "secondary",
  },
  {
    provider: "openai",
    model: "gpt-4o-2024-05-13",
    input: 5,
    output: 15,
    cacheRead: null,
    cacheWrite: 0,
    source: OPENAI,
    readOn: READ_ON,
    confirmation: "secondary",
    note: "the first gpt-4o snapshot kept its launch price; an exact id wins over the dated-snapshot rule",
  },
  {
    provider: "openai",
    model: "gpt-4o-mini",
    input: 0.15,
    output: 0.6,
    cacheRead: 0.075,
    cacheWrite: 0,
    source: OPENAI,
    readOn: READ_ON,
    confirmation: "secondary",
  },

  // OpenAI embeddings: input only (an embedding has no output tokens). OpenAI's own page was not reachable;
  // several independent copies of it agree (embeddingcost.com, costgoat.com, tokenprice.fyi).
  ...(
    [
      ["text-embedding-3-small", 0.02],
      ["text-embedding-3-large", 0.13],
      ["text-embedding-ada-002", 0.1],
    ] as const
  ).map(
    ([model, input]): PriceEntry => ({
      provider: "openai",
      model,
      input,
      output: 0,
      cacheRead: null,
      cacheWrite: null,
      source: OPENAI,
      readOn: READ_ON,
      confirmation: "secondary",
    }),
  ),

  // DeepSeek: input (cache hit), input (cache miss), output.
  {
    provider: "deepseek",
    model: "deepseek-chat",
    input: 0.27,
    output: 1.1,
    cacheRead: 0.07,
    cacheWrite: null,
    source: DEEPSEEK,
    readOn: READ_ON,
    confirmation: "official",
    note: "standard-hours price; DeepSeek's off-peak discounts are not modelled",
  },
  {
    provider: "deepseek",
    model: "deepseek-reasoner",
    input: 0.55,
    output: 2.19,
    cacheRead: 0.14,
    cacheWrite: null,
    source: DEEPSEEK,
    readOn: READ_ON,
    confirmation: "official",
    note: "standard-hours price; DeepSeek's off-peak discounts are not modelled",
  },

  // Perplexity: token prices only; the per-request search fee is not a token price and is not included.
  ...(
    [
      ["sonar", 1, 1],
      ["sonar-pro", 3, 15],
      ["sonar-reasoning-pro", 2, 8],
    ] as const
  ).map(
    ([model, input, output]): PriceEntry => ({
      provider: "perplexity-ai",
      model,
      input,
      output,
      cacheRead: null,
      cacheWrite: null,
      source: PERPLEXITY,
      readOn: READ_ON,
      confirmation: "official",
      note: "excludes the per-request search fee",
    }),
  ),

  // Cohere: production-key token prices.
  ...(
    [
      ["command-r-08-2024", ["command-r"], 0.15, 0.6],
      ["command-r7b-12-2024", ["command-r7b"], 0.0375, 0.15],
      ["command-a-03-2025", ["command-a"], 2.5, 10],
      // Cohere lists Command R+ under existing-customer pricing; no alias: `command-r-plus` named the
      // 04-2024 snapshot, which was priced differently.
      ["command-r-plus-08-2024", [], 2.5, 10],
    ] as const
  ).map(
    ([model, aliases, input, output]): PriceEntry => ({
      provider: "cohere",
      model,
      aliases,
      input,
      output,
      cacheRead: null,
      cacheWrite: null,
      source: COHERE,
      readOn: READ_ON,
      confirmation: "secondary",
    }),
  ),

  // Groq: on-demand token prices.
  ...(
    [
      ["llama-3.3-70b-versatile", 0.59, 0.79],
      ["llama-3.1-8b-instant", 0.05, 0.08],
    ] as const
  ).map(
    ([model, input, output]): PriceEntry => ({
      provider: "groq",
      model,
      input,
      output,
      cacheRead: null,
      cacheWrite: null,
      source: GROQ,
      readOn: READ_ON,
      confirmation: "secondary",
    }),
  ),

  // xAI (registry slug "grok"): text input, cached text input, text completion.
  ...(
    [
      ["grok-3", 3, 0.75, 15],
      ["grok-3-mini", 0.3, 0.075, 0.5],
    ] as const
  ).map(
    ([model, input, cacheRead, output]): PriceEntry => ({
      provider: "grok",
      model,
      input,
      output,
      cacheRead,
      cacheWrite: null,
      source: XAI,
      readOn: READ_ON,
      confirmation: "official",
      note: "read in an archived copy of xAI's models page; the -latest aliases resolve by the -latest rule",
    }),
  ),

  // Google AI Studio (Gemini API), paid tier, text input and output (output includes thinking tokens).
  ...(
    [
      ["gemini-2.5-flash", 0.3, 2.5],
      ["gemini-2.5-flash-lite", 0.1, 0.4],
    ] as const
  ).map(
    ([model, input, output]): PriceEntry => ({
      provider: "google-ai-studio",
      model,
      input,
      output,
      cacheRead: null,
      cacheWrite: null,
      source: GEMINI,
      readOn: READ_ON,
      confirmation: "secondary",
      note: "context-caching price not confirmed: cached tokens are charged at the input price (an over-estimate)",
    }),
  ),

  // AWS Bedrock, on-demand, us-east-1, in-region or geographic cross-region profiles.
  ...(
    [
      ["nova-micro", 0.035, 0.14, null],
      ["nova-lite", 0.06, 0.24, null],
      ["nova-pro", 0.8, 3.2, 0.2],
    ] as const
  ).map(
    ([model, input, output, cacheRead]): PriceEntry => ({
      provider: "aws-bedrock",
      model,
      input,
      output,
      cacheRead,
      cacheWrite: null,
      source: BEDROCK,
      readOn: READ_ON,
      confirmation: "secondary",
    }),
  ),
  // AWS Bedrock, the open-weight models the platform catalogue serves (shared/providers/workers-ai/catalogue.ts),
  // on-demand in us-east-1. Read 2026-12-06 from copies of the Bedrock pricing page (secondary).
  ...(
    [
      ["llama3-8b-instruct", 0.3, 0.6],
      ["llama3-1-8b-instruct", 0.22, 0.22],
      ["llama3-1-70b-instruct", 0.72, 0.72],
      ["llama3-2-1b-instruct", 0.1, 0.1],
      ["llama3-2-3b-instruct", 0.15, 0.15],
      ["llama3-2-11b-instruct", 0.16, 0.16],
      ["llama3-3-70b-instruct", 0.72, 0.72],
      ["llama4-scout-17b-instruct", 0.17, 0.66],
      // Bedrock's ids are openai.gpt-oss-120b-1:0 and google.gemma-..., moonshotai.kimi-...: vendor prefixes and a
      // version suffix the matcher does not strip, so they are aliases.
      ["gpt-oss-120b", 0.15, 0.6, ["gpt-oss-120b-1"]],
      ["gpt-oss-20b", 0.07, 0.3, ["gpt-oss-20b-1"]],
      ["gemma-3-12b-it", 0.09, 0.29, ["google.gemma-3-12b-it"]],
      ["kimi-k2.5", 0.6, 3, ["moonshotai.kimi-k2.5"]],
    ] as [string, number, number, string[]?][]
  ).map(
    ([model, input, output, aliases]): PriceEntry => ({
      provider: "aws-bedrock",
      model,
      ...(aliases ? { aliases } : {}),
      input,
      output,
      cacheRead: null,
      cacheWrite: null,
      source: BEDROCK,
      readOn: "2026-12-06",
      confirmation: "secondary",
    }),
  ),
  ...(
    [
      ["claude-3-5-haiku", 0.8, 4],
      ["claude-3-7-sonnet", 3, 15],
      ["claude-opus-4", 15, 75],
    ] as const
  ).map(
    ([model, input, output]): PriceEntry => ({
      provider: "aws-bedrock",
      model,
      input,
      output,
      // Bedrock prices Claude prompt caching as Anthropic does: writes 1.25x input, reads 0.1x input.
      cacheRead: Math.round(input * 0.1 * 1e6) / 1e6,
      cacheWrite: Math.round(input * 1.25 * 1e6) / 1e6,
      source: BEDROCK,
      readOn: READ_ON,
      confirmation: "secondary",
    }),
  ),
];
