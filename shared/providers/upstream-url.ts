import { GatewayError } from "../core/gateway-error.ts";
import type { ProviderDefinition } from "./registry.ts";

/** A host label taken from the client's path (region, Azure resource): refuse anything that could change the host. */
const HOST_LABEL = /^[a-z0-9][a-z0-9-]{0,62}$/;

function hostLabel(value: string | undefined, what: string, example: string): string {
  if (!value || !HOST_LABEL.test(value)) {
    throw GatewayError.badRequest(`Invalid ${what} "${value ?? ""}" in the path: expected ${example}`);
  }
  return value;
}

/**
 * The provider URL a provider-native request goes to: the provider's base (or its `UPSTREAM_<SLUG>_URL`
 * override) + the rest of the client's path, exactly as sent, + the query string unchanged.
 * `restPath` is the path after `/{provider}/`, still percent-encoded.
 */
export function buildUpstreamUrl(
  provider: ProviderDefinition,
  restPath: string,
  search: string,
  override: string | undefined,
): string {
  const segments = restPath.split("/");
  let base: string;
  let rest: string[];

  switch (provider.hostStyle) {
    case "azure-openai": {
      // /azure-openai/{resource}/{deployment}/chat/completions -> https://{resource}.openai.azure.com/openai/deployments/{deployment}/chat/completions
      const resource = hostLabel(
        segments[0],
        "Azure resource name",
        "/azure-openai/{resource}/{deployment}/...",
      );
      const deployment = segments[1];
      if (!deployment)
        throw GatewayError.badRequest(
          "Missing Azure deployment: expected /azure-openai/{resource}/{deployment}/...",
        );
      base = override ?? `https://${resource}.openai.azure.com`;
      rest = ["openai", "deployments", deployment, ...segments.slice(2)];
      break;
    }
    case "aws-bedrock": {
      // /aws-bedrock/bedrock-runtime/{region}/model/{id}/converse -> https://bedrock-runtime.{region}.amazonaws.com/model/{id}/converse
      const service = hostLabel(segments[0], "Bedrock service", "/aws-bedrock/bedrock-runtime/{region}/...");
      const region = hostLabel(segments[1], "AWS region", "/aws-bedrock/bedrock-runtime/{region}/...");
      const domain = service === "bedrock-mantle" ? "api.aws" : "amazonaws.com";
      base = override ?? `https://${service}.${region}.${domain}`;
      rest = segments.slice(2);
      break;
    }
    case "google-vertex-ai": {
      // /google-vertex-ai/v1/projects/{p}/locations/{region}/... -> https://{region}-aiplatform.googleapis.com/v1/projects/...
      const locationIndex = segments.indexOf("locations");
      const region = hostLabel(
        locationIndex >= 0 ? segments[locationIndex + 1] : undefined,
        "Vertex AI location",
        "/v1/projects/{project}/locations/{region}/...",
      );
      base =
        override ??
        (region === "global"
          ? "https://aiplatform.googleapis.com"
          : `https://${region}-aiplatform.googleapis.com`);
      rest = segments;
      break;
    }
    default: {
      base = override ?? provider.baseUrl;
      rest =
        provider.redundantPathPrefix && segments[0] === provider.redundantPathPrefix
          ? segments.slice(1)
          : segments;
    }
  }
  return `${base}/${rest.join("/")}${search}`;
}
