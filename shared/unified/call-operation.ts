import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import type { OpenAIChatRequest } from "../translation/types.ts";
import { callProvider } from "./call-provider.ts";
import { callEmbeddings } from "./embeddings/call-embeddings.ts";
import type { OperationInput, ProviderCallResult } from "./provider-call-types.ts";
import { callResponses } from "./responses/call-responses.ts";
import type { UnifiedOperation } from "./unified-path.ts";

/**
 * The provider call of one unified operation: chat (OpenAI Chat Completions or Anthropic Messages, through
 * the caller format), the Responses API, or embeddings. Access, limits and the log are the same for all
 * (handle-unified-request.ts); only the request and answer shapes differ.
 */
export function callOperation(
  operation: UnifiedOperation,
  body: unknown,
  input: OperationInput,
  deps: ProxyDependencies,
): Promise<ProviderCallResult> {
  switch (operation) {
    case "responses":
      return callResponses(body, input, deps);
    case "embeddings":
      return callEmbeddings(body, input, deps);
    default:
      // Chat bodies arrive as the canonical request: the handler translated the caller's format once.
      return callProvider({ ...input, canonical: body as OpenAIChatRequest }, deps);
  }
}
