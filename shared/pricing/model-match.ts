import { PRICES, type PriceEntry } from "./prices.ts";

/**
 * Finds the price of a model, scoped to its provider (the same model name can cost differently on two
 * providers: Llama on Groq and on Bedrock). Matching, in order, and stopping at the first hit:
 *
 * 1. the id as given (lower case, trimmed), against every entry's model and aliases;
 * 2. the id after each normalisation step below, applied cumulatively, checked after every step:
 *    - Gemini / Vertex resource prefixes: `models/`, `publishers/google/models/`;
 *    - Bedrock: an ARN prefix (`arn:aws:bedrock:...:foundation-model/` or `inference-profile/`), a
 *      cross-region profile prefix (`us.`, `eu.`, `apac.`, `global.`, ...), the vendor prefix
 *      (`anthropic.`, `amazon.`, `meta.`, ...) and the version suffix (`-v1:0`, `-v2`, `:0`);
 *    - a dated snapshot suffix: `-2024-08-06` (OpenAI), `-20241022` (Anthropic), `-08-2024` (Cohere),
 *      `-0613` (OpenAI's older snapshots);
 *    - `-latest`.
 *
 * There is no loose prefix matching: `gpt-4o-audio-preview` does not match `gpt-4o`, because its price is
 * not gpt-4o's. An unmatched model is unpriced (cost null), never guessed.
 */
export type PriceTable = readonly PriceEntry[];

const indexes = new WeakMap<PriceTable, Map<string, PriceEntry>>();

const keyOf = (provider: string, model: string) => `${provider}\u0000${model}`;

function indexOf(table: PriceTable): Map<string, PriceEntry> {
  let index = indexes.get(table);
  if (!index) {
    index = new Map();
    for (const entry of table) {
      for (const name of [entry.model, ...(entry.aliases ?? [])]) {
        index.set(keyOf(entry.provider, name.toLowerCase()), entry);
      }
    }
    indexes.set(table, index);
  }
  return index;
}

const BEDROCK_REGION_PREFIX = /^(?:us|eu|apac|ap|global|us-gov|jp|au|ca|sa|me|af)\./;
const BEDROCK_VENDOR_PREFIX =
  /^(?:anthropic|amazon|meta|mistral|cohere|deepseek|ai21|writer|qwen|openai|twelvelabs|stability|luma)\./;

/** Normalisation steps, applied in order; each returns the id unchanged when it does not apply. */
const STEPS: readonly ((id: string) => string)[] = [
  (id) => id.replace(/^publishers\/google\/models\//, "").replace(/^models\//, ""),
  (id) => id.replace(/^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:(?:foundation-model|inference-profile)\//, ""),
  (id) => id.replace(BEDROCK_REGION_PREFIX, ""),
  (id) => id.replace(BEDROCK_VENDOR_PREFIX, ""),
  (id) => id.replace(/-v\d+(?::\d+)?$/, "").replace(/:\d+$/, ""),
  (id) =>
    id
      .replace(/-\d{4}-\d{2}-\d{2}$/, "")
      .replace(/-\d{8}$/, "")
      .replace(/-\d{2}-\d{4}$/, "")
      .replace(/-\d{4}$/, ""),
  (id) => id.replace(/-latest$/, ""),
];

/** The ids tried for a model, most specific first (exposed for tests and docs). */
export function modelCandidates(model: string): string[] {
  let id = model.trim().toLowerCase();
  const candidates = [id];
  for (const step of STEPS) {
    const next = step(id);
    if (next !== id && next.length > 0) {
      id = next;
      candidates.push(id);
    }
  }
  return candidates;
}

/** The price entry for a provider's model, or null when it is not priced. */
export function findPrice(provider: string, model: string, table: PriceTable = PRICES): PriceEntry | null {
  const index = indexOf(table);
  const slug = provider.trim().toLowerCase();
  for (const candidate of modelCandidates(model)) {
    const entry = index.get(keyOf(slug, candidate));
    if (entry) return entry;
  }
  return null;
}
