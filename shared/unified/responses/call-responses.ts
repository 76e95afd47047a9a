import { GatewayError } from "../../core/gateway-error.ts";
import type { ProxyDependencies } from "../../core/proxy-dependencies.ts";
import { findProvider } from "../../providers/registry.ts";
import { parseResponsesRequest, responsesToChatRequest } from "../../surfaces/responses/request.ts";
import { responsesIds } from "../../surfaces/responses/response.ts";
import { callProvider } from "../call-provider.ts";
import { parseUnifiedModel } from "../model-name.ts";
import type { OperationInput, ProviderCallResult } from "../provider-call-types.ts";
import { callNativeOpenAIResponses } from "./native-openai-responses.ts";
import { responsesCallerFormat } from "./responses-format.ts";

/**
 * `POST .../ai/v1/responses` and `.../compat/responses`: OpenAI models natively (the registry row's
 * `nativeResponses`), every other provider through the bridge (Responses -> canonical chat -> the
 * provider's translator -> a Responses object or the Responses event stream).
 */
export async function callResponses(
  body: unknown,
  input: OperationInput,
  deps: ProxyDependencies,
): Promise<ProviderCallResult> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw GatewayError.badRequest("Invalid Responses request: the body must be a JSON object");
  const record = body as Record<string, unknown>;
  if (typeof record.model !== "string" || record.model === "")
    throw GatewayError.badRequest('The request names no model: use "{provider}/{model}"');
  const target = parseUnifiedModel(record.model);
  if (findProvider(target.provider)?.nativeResponses === true)
    return callNativeOpenAIResponses(record, target, input, deps);

  const request = parseResponsesRequest(record);
  const canonical = responsesToChatRequest(request, target.provider);
  const format = responsesCallerFormat(request, responsesIds(input.id));
  return callProvider({ ...input, canonical, format }, deps);
}
