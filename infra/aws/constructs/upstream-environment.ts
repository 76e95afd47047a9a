import { isIP } from "node:net";
import { Token } from "aws-cdk-lib";
import { findProvider } from "../../../shared/providers/registry.ts";

/** A provider slug as the registry spells it: lower-case words joined by hyphens ("google-ai-studio"). */
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** `openai` -> `UPSTREAM_OPENAI_URL`, `google-ai-studio` -> `UPSTREAM_GOOGLE_AI_STUDIO_URL` (read by shared/config/env.ts). */
export function upstreamVariableName(slug: string): string {
  return `UPSTREAM_${slug.toUpperCase().replaceAll("-", "_")}_URL`;
}

export interface UpstreamEnvironment {
  variables: Record<string, string>;
  /** Slugs the provider registry does not know: the override would have no effect (likely a typo). */
  unknownSlugs: string[];
}

/**
 * Turns `{ "openai": "https://..." }` into the proxy's `UPSTREAM_<SLUG>_URL` variables. A bad slug or URL
 * fails the synth with a message that names it, rather than a proxy that fails at cold start on AWS.
 */
export function upstreamEnvironment(overrides: Readonly<Record<string, string>> = {}): UpstreamEnvironment {
  const variables: Record<string, string> = {};
  const unknownSlugs: string[] = [];
  for (const [slug, url] of Object.entries(overrides)) {
    if (!SLUG_PATTERN.test(slug)) {
      throw new Error(`upstreamOverrides: "${slug}" is not a provider slug (lower-case words joined by "-")`);
    }
    if (!Token.isUnresolved(url) && !isHttpUrl(url)) {
      throw new Error(`upstreamOverrides.${slug}: "${url}" is not an http(s) URL`);
    }
    if (!findProvider(slug)) unknownSlugs.push(slug);
    variables[upstreamVariableName(slug)] = url;
  }
  return { variables, unknownSlugs };
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

/**
 * The proxy's `TRUSTED_UPSTREAM_HOSTS`: host names or IP literals that an upstream override or a custom
 * provider may point at even though they resolve to private, loopback or link-local addresses (the SSRF
 * guard in shared/http/upstream-guard.ts refuses those otherwise). The guard compares bare host names, so
 * a URL, a path or a `host:port` would never match: they fail the synth instead, naming the entry.
 */
export function trustedUpstreamHostsVariable(hosts: readonly string[] = []): string {
  return hosts
    .map((entry) => {
      if (Token.isUnresolved(entry)) return entry;
      const host = entry.trim();
      // The guard compares URL host names without IPv6 brackets: `[::1]` is kept as `::1`.
      const bare = /^\[.*\]$/.test(host) ? host.slice(1, -1) : host;
      if (!isHostName(bare)) {
        throw new Error(
          `trustedUpstreamHosts: "${entry}" is not a host name or IP address (no scheme, port, path or spaces)`,
        );
      }
      return bare;
    })
    .join(",");
}

function isHostName(value: string): boolean {
  if (value === "" || /[\s,/@?#[\]]/.test(value)) return false;
  // IPv6 literals are the only entries with colons; anything else with one is a `host:port`.
  return !value.includes(":") || isIP(value) === 6;
}
