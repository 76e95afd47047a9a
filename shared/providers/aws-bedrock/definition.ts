import { segmentAfter } from "../model-in-path.ts";
import type { ProviderDefinition } from "../provider-definition.ts";
import { titanEmbeddings } from "./embeddings.ts";
import { createBedrockEventDecoder } from "./event-stream.ts";
import { bedrockConverseTranslator } from "./translator.ts";
import { awsBedrockHost } from "./upstream-host.ts";
import { extractBedrockUsage } from "./usage.ts";

/** Bedrock: host from the path's service and region, SigV4, Converse on the unified API, Titan embeddings. */
export const awsBedrockProvider: ProviderDefinition = {
  slug: "aws-bedrock",
  baseUrl: "https://{service}.{region}.amazonaws.com",
  upstreamHost: awsBedrockHost,
  credentialStyle: "sigv4",
  modelInPath: (segments) => segmentAfter(segments, "model"),
  usageFormat: "bedrock",
  usageExtractor: extractBedrockUsage,
  translator: () => bedrockConverseTranslator,
  modelAliases: ["bedrock"],
  // ConverseStream answers in AWS's binary event stream, not SSE.
  streamDecoder: createBedrockEventDecoder,
  embeddings: titanEmbeddings,
};
