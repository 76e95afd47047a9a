import { modelCandidates } from "../pricing/model-match.ts";

/**
 * The most output tokens a model can produce in one response, for the spend reservation of a request that
 * sets no cap of its own (docs/spend-limits.md). Used only as an upper bound: a ceiling set too high makes a
 * budget refuse earlier than it has to; one set too low lets the real cost pass the reservation, which the
 * settlement then adds (the limit can be passed by that difference). So unknown models get the largest
 * ceiling here, and an entry is added only where the provider documents the model's maximum output.
 *
 * Keyed by provider slug; each entry matches a model id, after the pricing table's normalisation
 * (shared/pricing/model-match.ts: Bedrock prefixes, dated snapshots, `-latest` removed), by prefix.
 * Anthropic is absent on purpose: its Messages API requires `max_tokens`, so the request always caps itself.
 */
interface OutputCeiling {
  /** A model id prefix, lower case; the longest matching prefix wins. */
  prefix: string;
  tokens: number;
}

/** The largest maximum output among the models the gateway prices (OpenAI's GPT-5 family). */
export const DEFAULT_OUTPUT_CEILING = 128_000;

const OPENAI: readonly OutputCeiling[] = [
  { prefix: "gpt-5", tokens: 128_000 },
  { prefix: "gpt-4.1", tokens: 32_768 },
  { prefix: "gpt-4o", tokens: 16_384 },
  { prefix: "gpt-4-turbo", tokens: 4_096 },
  { prefix: "gpt-4", tokens: 8_192 },
  { prefix: "gpt-3.5-turbo", tokens: 4_096 },
  { prefix: "o1", tokens: 100_000 },
  { prefix: "o3", tokens: 100_000 },
  { prefix: "o4-mini", tokens: 100_000 },
];

const GEMINI: readonly OutputCeiling[] = [
  { prefix: "gemini-2.5", tokens: 65_536 },
  { prefix: "gemini-2.0", tokens: 8_192 },
  { prefix: "gemini-1.5", tokens: 8_192 },
];

const CEILINGS: Readonly<Record<string, readonly OutputCeiling[]>> = {
  openai: OPENAI,
  "azure-openai": OPENAI,
  "google-ai-studio": GEMINI,
  "google-vertex-ai": GEMINI,
};

/** The output ceiling of a provider's model: its entry, else DEFAULT_OUTPUT_CEILING. */
export function outputCeiling(provider: string | null, model: string | null): number {
  const entries = provider ? CEILINGS[provider.toLowerCase()] : undefined;
  if (!entries || !model) return DEFAULT_OUTPUT_CEILING;
  for (const candidate of modelCandidates(model)) {
    const found = entries
      .filter((entry) => candidate.startsWith(entry.prefix))
      .sort((a, b) => b.prefix.length - a.prefix.length)[0];
    if (found) return found.tokens;
  }
  return DEFAULT_OUTPUT_CEILING;
}
