import { GatewayError } from "../core/gateway-error.ts";
import { findProviderByModelPrefix, unifiedProviderSlugs } from "../providers/registry.ts";
import {
  bedrockModelFor,
  resolvePlatformModel,
  workersAiIdOf,
} from "../providers/workers-ai/platform-model.ts";
import { bedrockRegion } from "./bedrock-region.ts";

export interface UnifiedModel {
  provider: string;
  model: string;
  /**
   * Set for a platform model: the Workers AI id the caller named (`@cf/...`), served by the Bedrock model
   * in `model` with the gateway's own AWS identity (docs/platform-models.md).
   */
  platformModel?: string;
}

/**
 * Splits `{provider}/{model}`; a missing or unknown provider is a 400 that names what was sent. The
 * provider is a registry row with a translator, named by its slug or one of its `modelAliases`
 * (Cloudflare's compat list writes `perplexity/...`, its REST surface `google/gemini-...`, `xai/grok-...`),
 * or a custom provider `custom-{slug}` (whether it exists is known when its base URL is looked up).
 * A Workers AI id (`@cf/...`, or `workers-ai/@cf/...` as Cloudflare's compat list writes it) is a platform
 * model: the catalogue's Bedrock model, or a 400 when Bedrock does not host its weights.
 */
export function parseUnifiedModel(value: string): UnifiedModel {
  const workersAiId = workersAiIdOf(value);
  if (workersAiId !== null) {
    const row = resolvePlatformModel(workersAiId);
    return { provider: "aws-bedrock", model: bedrockModelFor(row, bedrockRegion()), platformModel: row.id };
  }
  const slash = value.indexOf("/");
  if (slash <= 0 || slash === value.length - 1) {
    throw GatewayError.badRequest(
      `Model "${value.slice(0, 120)}" names no provider: use "{provider}/{model}", for example "openai/gpt-4o-mini"`,
    );
  }
  const prefix = value.slice(0, slash);
  const provider = findProviderByModelPrefix(prefix);
  if (provider?.translator === undefined) {
    throw GatewayError.badRequest(
      `Unknown provider "${prefix.slice(0, 80)}" in model "${value.slice(0, 120)}". Supported providers: ${unifiedProviderSlugs().join(", ")}, custom-{slug} for a custom provider, or a Workers AI model "@cf/{vendor}/{model}"`,
    );
  }
  return { provider: provider.slug, model: value.slice(slash + 1) };
}
