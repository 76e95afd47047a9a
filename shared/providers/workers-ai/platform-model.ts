import { GatewayError } from "../../core/gateway-error.ts";
import { PLATFORM_CATALOGUE, type PlatformModelRow } from "./catalogue.ts";

/** Workers AI ids: `@cf/{vendor}/{model}` (Cloudflare's own) and `@hf/...` (Hugging Face weights it hosts). */
const WORKERS_AI_ID = /^@(?:cf|hf)\//;
/** The compat prefix Cloudflare documents for Workers AI models: `workers-ai/@cf/...`. */
const COMPAT_PREFIX = "workers-ai/";

const byId = new Map(PLATFORM_CATALOGUE.map((row) => [row.id, row]));

/** The Workers AI id a model name means (`@cf/...` or `workers-ai/@cf/...`), or null for any other name. */
export function workersAiIdOf(model: string): string | null {
  const id = model.startsWith(COMPAT_PREFIX) ? model.slice(COMPAT_PREFIX.length) : model;
  return WORKERS_AI_ID.test(id) ? id : null;
}

export function platformModelIds(): string[] {
  return PLATFORM_CATALOGUE.map((row) => row.id);
}

/**
 * The catalogue row of a Workers AI id; an id without one is a 400 that says Bedrock does not host it and
 * lists the ids that are served (never a silent substitute).
 */
export function resolvePlatformModel(id: string): PlatformModelRow {
  const found = byId.get(id);
  if (found) return found;
  throw GatewayError.badRequest(
    `Workers AI model "${id.slice(0, 120)}" is not served here: this gateway runs Workers AI models on the Amazon Bedrock model with the same open weights, and Bedrock does not host this one. Platform models: ${platformModelIds().join(", ")}`,
  );
}

/**
 * The Bedrock model id to call in `region`: the base id, or for models Bedrock serves on demand only
 * through a geographic inference profile, the profile of the region's geography
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html).
 */
export function bedrockModelFor(row: PlatformModelRow, region: string): string {
  if (!row.geoProfile) return row.bedrockModel;
  return `${geographyOf(region)}.${row.bedrockModel}`;
}

function geographyOf(region: string): string {
  if (region.startsWith("eu-")) return "eu";
  if (region.startsWith("ap-")) return "apac";
  return "us";
}
