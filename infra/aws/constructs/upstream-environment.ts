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
