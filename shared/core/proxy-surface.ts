import type { ErrorDialect } from "../http/error-response.ts";
import { providerDialect } from "../providers/registry.ts";
import { isUnifiedPath, unifiedDialectOf } from "../unified/unified-path.ts";
import { isUniversalPath } from "./universal-endpoint.ts";

/** The proxy Lambda's surfaces, told apart by path (route-proxy-request.ts hands each to its handler). */
export type ProxySurface = "unified" | "universal" | "provider";

/** The methods each surface serves, for `Allow` (OPTIONS is the gateway's own answer on every surface). */
export const ALLOWED_METHODS: Record<ProxySurface, string> = {
  provider: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
  unified: "POST, OPTIONS",
  universal: "POST, OPTIONS",
};

export function proxySurfaceOf(pathname: string): ProxySurface {
  if (isUnifiedPath(pathname)) return "unified";
  if (isUniversalPath(pathname)) return "universal";
  return "provider";
}

/**
 * The error shape a caller of this path reads, for answers given before the surface's own handler runs:
 * the unified API in its caller's format, a provider path in that provider's, the universal endpoint as OpenAI.
 */
export function proxyDialectOf(pathname: string): ErrorDialect {
  switch (proxySurfaceOf(pathname)) {
    case "unified":
      return unifiedDialectOf(pathname);
    case "universal":
      return "openai";
    default:
      return providerDialect(pathname.split("/")[4]);
  }
}
