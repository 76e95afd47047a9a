import { GatewayError } from "../../core/gateway-error.ts";
import { hostLabel } from "../host-label.ts";
import type { UpstreamHost } from "../provider-definition.ts";

/** /azure-openai/{resource}/{deployment}/chat/completions -> https://{resource}.openai.azure.com/openai/deployments/{deployment}/chat/completions */
export function azureOpenAIHost(segments: string[], override: string | undefined): UpstreamHost {
  const resource = hostLabel(segments[0], "Azure resource name", "/azure-openai/{resource}/{deployment}/...");
  const deployment = segments[1];
  if (!deployment)
    throw GatewayError.badRequest(
      "Missing Azure deployment: expected /azure-openai/{resource}/{deployment}/...",
    );
  return {
    base: override ?? `https://${resource}.openai.azure.com`,
    rest: ["openai", "deployments", deployment, ...segments.slice(2)],
  };
}
