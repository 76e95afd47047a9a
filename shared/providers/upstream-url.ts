import type { ProviderDefinition } from "./provider-definition.ts";

/**
 * The provider URL a provider-native request goes to: the provider's base (or its `UPSTREAM_<SLUG>_URL`
 * override) + the rest of the client's path, exactly as sent, + the query string unchanged. A provider with
 * a templated host (its `upstreamHost` rule) picks the host from the path. `restPath` is the path after
 * `/{provider}/`, still percent-encoded.
 */
export function buildUpstreamUrl(
  provider: ProviderDefinition,
  restPath: string,
  search: string,
  override: string | undefined,
): string {
  const segments = restPath.split("/");
  const { base, rest } = provider.upstreamHost
    ? provider.upstreamHost(segments, override)
    : {
        base: override ?? provider.baseUrl,
        rest:
          provider.redundantPathPrefix && segments[0] === provider.redundantPathPrefix
            ? segments.slice(1)
            : segments,
      };
  return `${base}/${rest.join("/")}${search}`;
}
