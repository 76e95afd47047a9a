import type { ErrorDialect } from "../http/error-response.ts";

/** Errors on a provider-native route are written the way that provider's own client library reads them. */
export function providerDialect(providerSlug: string | undefined): ErrorDialect {
  switch (providerSlug) {
    case "anthropic":
      return "anthropic";
    case "google-ai-studio":
    case "google-vertex-ai":
      return "google";
    default:
      return "openai";
  }
}
