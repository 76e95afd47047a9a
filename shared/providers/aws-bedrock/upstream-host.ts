import { hostLabel } from "../host-label.ts";
import type { UpstreamHost } from "../provider-definition.ts";

/** /aws-bedrock/bedrock-runtime/{region}/model/{id}/converse -> https://bedrock-runtime.{region}.amazonaws.com/model/{id}/converse */
export function awsBedrockHost(segments: string[], override: string | undefined): UpstreamHost {
  const service = hostLabel(segments[0], "Bedrock service", "/aws-bedrock/bedrock-runtime/{region}/...");
  const region = hostLabel(segments[1], "AWS region", "/aws-bedrock/bedrock-runtime/{region}/...");
  const domain = service === "bedrock-mantle" ? "api.aws" : "amazonaws.com";
  return { base: override ?? `https://${service}.${region}.${domain}`, rest: segments.slice(2) };
}
