import type { ConnectionPin } from "../http/pinned-lookup.ts";
import type { UpstreamGuard } from "../http/upstream-guard.ts";
import { findProvider, type ProviderDefinition, providerSlugs } from "../providers/registry.ts";
import { buildUpstreamUrl } from "../providers/upstream-url.ts";
import { GatewayError } from "./gateway-error.ts";
import type { TtlCache } from "./ttl-cache.ts";

/** What the proxy needs of the custom provider store (CustomProviderStore.findBySlug). */
export interface CustomProviderFinder {
  findBySlug(accountId: string, slug: string): Promise<{ base_url: string } | undefined>;
}

export interface ProviderTargetDependencies {
  upstreamOverrides: Record<string, string>;
  customProviders: CustomProviderFinder | null;
  /** Custom providers by slug, cached for seconds (a change reaches the proxy within the TTL). */
  customProviderCache: TtlCache<{ base_url: string } | undefined>;
  upstreamGuard: UpstreamGuard;
}

export interface ProviderTarget {
  provider: ProviderDefinition;
  url: string;
  /** For a host the SSRF guard checked: the addresses the call must connect to (http-fetch.ts). */
  pin?: ConnectionPin;
}

const CUSTOM_PREFIX = "custom-";

/**
 * Where a provider request goes: a registered provider (its base URL or UPSTREAM_<SLUG>_URL), or a
 * custom provider `custom-{slug}` created through the management API. Upstreams that an operator or a user
 * configured (overrides, custom providers) must pass the SSRF guard; the registry's own hosts need not.
 * An unknown provider is a 404 where it is a path segment (provider-native surface) and a 400 where a
 * request body named it (`unknownIs: "bad-request"`, the unified API).
 */
export async function resolveProviderTarget(
  accountId: string,
  providerSlug: string,
  restPath: string,
  search: string,
  deps: ProviderTargetDependencies,
  unknownIs: "not-found" | "bad-request" = "not-found",
): Promise<ProviderTarget> {
  const registered = findProvider(providerSlug);
  if (registered) {
    const override = deps.upstreamOverrides[registered.slug];
    const url = buildUpstreamUrl(registered, restPath, search, override);
    const pin = override ? await deps.upstreamGuard.check(url) : undefined;
    return { provider: registered, url, pin };
  }

  if (providerSlug.startsWith(CUSTOM_PREFIX) && deps.customProviders) {
    const slug = providerSlug.slice(CUSTOM_PREFIX.length);
    const finder = deps.customProviders;
    const custom = await deps.customProviderCache.get(`${accountId}/${slug}`, () =>
      finder.findBySlug(accountId, slug),
    );
    if (custom) {
      const provider: ProviderDefinition = {
        slug: providerSlug,
        baseUrl: custom.base_url.replace(/\/+$/, ""),
        // Custom providers are mostly OpenAI-compatible; the usage reader also understands other shapes.
        usageFormat: "openai",
        credentialStyle: "bearer",
      };
      const url = buildUpstreamUrl(provider, restPath, search, undefined);
      return { provider, url, pin: await deps.upstreamGuard.check(url) };
    }
  }
  const message = `Unknown provider "${providerSlug.slice(0, 80)}". Supported providers: ${providerSlugs().join(", ")}, or custom-{slug} for a custom provider`;
  throw unknownIs === "bad-request" ? GatewayError.badRequest(message) : GatewayError.notFound(message);
}
