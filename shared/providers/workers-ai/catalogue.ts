/**
 * THE platform catalogue: Workers AI model ids (`@cf/{vendor}/{model}`) served by the Amazon Bedrock model
 * with the same open weights, through the gateway's own AWS identity (docs/platform-models.md). Data only;
 * platform-model.ts looks rows up. A Workers AI id whose weights Bedrock does not host has no row, and the
 * gateway refuses it with a 400 that lists these ids: it never substitutes another model.
 *
 * - `bedrockModel`: the Bedrock base model id, from its model card or parameters page (`bedrockSource`).
 * - `geoProfile`: Bedrock serves the model on demand only through a geographic cross-region inference
 *   profile (`us.`, `eu.`, `apac.`); the gateway prefixes the geography of its Bedrock region.
 * - `workersSource`: the Workers AI model page the id is read from.
 * - `note`: where the two are not byte-identical (Workers AI serves some weights quantized).
 * Every row's Bedrock model has a price in shared/pricing/prices.ts (a test holds the two together).
 */
export interface PlatformModelRow {
  /** The Workers AI id, as callers write it. */
  id: string;
  bedrockModel: string;
  task: "text-generation";
  geoProfile: boolean;
  workersSource: string;
  bedrockSource: string;
  note?: string;
}

const WORKERS = "https://developers.cloudflare.com/workers-ai/models/";
const BEDROCK = "https://docs.aws.amazon.com/bedrock/latest/userguide/";
const LLAMA = `${BEDROCK}model-parameters-meta.html`;
const FP8 = "Workers AI serves these weights quantized to fp8; Bedrock serves Meta's release";

const row = (
  id: string,
  bedrockModel: string,
  bedrockSource: string,
  geoProfile = false,
  note?: string,
): PlatformModelRow => ({
  id,
  bedrockModel,
  task: "text-generation",
  geoProfile,
  workersSource: `${WORKERS}${id.split("/").at(-1)}/`,
  bedrockSource,
  ...(note ? { note } : {}),
});

export const PLATFORM_CATALOGUE: readonly PlatformModelRow[] = [
  // Meta Llama (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-meta.html; Llama 3.2
  // and later are served on demand through cross-region inference profiles only).
  row("@cf/meta/llama-3-8b-instruct", "meta.llama3-8b-instruct-v1:0", LLAMA),
  row("@cf/meta/llama-3.1-8b-instruct", "meta.llama3-1-8b-instruct-v1:0", LLAMA),
  row("@cf/meta/llama-3.1-70b-instruct", "meta.llama3-1-70b-instruct-v1:0", LLAMA),
  row("@cf/meta/llama-3.2-1b-instruct", "meta.llama3-2-1b-instruct-v1:0", LLAMA, true),
  row("@cf/meta/llama-3.2-3b-instruct", "meta.llama3-2-3b-instruct-v1:0", LLAMA, true),
  row("@cf/meta/llama-3.2-11b-vision-instruct", "meta.llama3-2-11b-instruct-v1:0", LLAMA, true),
  row("@cf/meta/llama-3.3-70b-instruct-fp8-fast", "meta.llama3-3-70b-instruct-v1:0", LLAMA, true, FP8),
  row("@cf/meta/llama-4-scout-17b-16e-instruct", "meta.llama4-scout-17b-instruct-v1:0", LLAMA, true),
  // OpenAI's open-weight models.
  row("@cf/openai/gpt-oss-120b", "openai.gpt-oss-120b-1:0", `${BEDROCK}model-parameters-openai.html`),
  row("@cf/openai/gpt-oss-20b", "openai.gpt-oss-20b-1:0", `${BEDROCK}model-parameters-openai.html`),
  // Google Gemma.
  row("@cf/google/gemma-3-12b-it", "google.gemma-3-12b-it", `${BEDROCK}model-cards.html`),
  // Moonshot AI Kimi.
  row("@cf/moonshotai/kimi-k2.5", "moonshotai.kimi-k2.5", `${BEDROCK}model-card-moonshot-ai-kimi-k2-5.html`),
];
