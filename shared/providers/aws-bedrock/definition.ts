import { bedrockConverseTranslator } from "../../translation/bedrock-converse/index.ts";
import { titanEmbeddings } from "../../translation/embeddings/bedrock-titan.ts";
import { createBedrockEventDecoder } from "../../unified/bedrock-event-stream.ts";
import type { ProviderDefinition } from "../provider-definition.ts";
import { extractBedrockUsage } from "../usage/bedrock.ts";
import { awsBedrockHost } from "./upstream-host.ts";

/** Bedrock: host from the path's service and region, SigV4, Converse on the unified API, Titan embeddings. */
export const awsBedrockProvider: ProviderDefinition = {
  slug: "aws-bedrock",
  baseUrl: "https://{service}.{region}.amazonaws.com",
  upstreamHost: awsBedrockHost,
  credentialStyle: "sigv4",
  usageFormat: "bedrock",
  usageExtractor: extractBedrockUsage,
  translator: () => bedrockConverseTranslator,
  modelAliases: ["bedrock"],
  // ConverseStream answers in AWS's binary event stream, not SSE.
  streamDecoder: createBedrockEventDecoder,
  embeddings: titanEmbeddings,
};
