import { ERROR_CODES, GatewayError } from "../../core/gateway-error.ts";
import type { ProxyDependencies } from "../../core/proxy-dependencies.ts";
import { refuseEmbeddingsProvider } from "../../providers/openai-compatible/embeddings.ts";
import { findUnifiedProvider, translatorFor } from "../../providers/registry.ts";
import { createUsageObserver } from "../../providers/usage/index.ts";
import { parseEmbeddingsRequest } from "../../translation/embeddings/request.ts";
import { callProviderDirect, MAX_ERROR_BYTES, parseJson, textStream } from "../direct-provider-call.ts";
import { parseUnifiedModel } from "../model-name.ts";
import type { OperationInput, ProviderCallResult } from "../provider-call-types.ts";

/**
 * `POST .../ai/v1/embeddings` and `.../compat/embeddings` in OpenAI's format, through the `embeddings`
 * adapter of the model's registry row: OpenAI, Mistral and OpenRouter natively at their `/embeddings`;
 * Google AI Studio through `batchEmbedContents` and Amazon Titan through InvokeModel, both answered as
 * OpenAI's list. Provider errors come back in OpenAI's error shape.
 */
export async function callEmbeddings(
  body: unknown,
  input: OperationInput,
  deps: ProxyDependencies,
): Promise<ProviderCallResult> {
  const request = parseEmbeddingsRequest(body);
  const target = parseUnifiedModel(request.model);
  const embeddings = findUnifiedProvider(target.provider)?.embeddings;
  if (embeddings === undefined) throw refuseEmbeddingsProvider(target.provider);
  const route = embeddings(request, target.model);
  const direct = await callProviderDirect(target, route.translated, input, deps);
  const { response } = direct.call;
  const base = { headersAt: direct.headersAt, limitHeaders: direct.limitHeaders, abort: direct.call.abort };

  if (response.status >= 400) {
    const text = (await response.text()).slice(0, MAX_ERROR_BYTES);
    const translator = translatorFor(target.provider);
    const error = translator?.errorFromProvider(response.status, parseJson(text)) ?? {
      status: response.status,
      type: "api_error",
      message: `${target.provider} answered ${response.status}`,
    };
    return {
      ...base,
      usage: direct.usage,
      status: error.status,
      contentType: "application/json",
      body: textStream(
        JSON.stringify({ error: { message: error.message, type: error.type, param: null, code: null } }),
      ),
      error: { code: ERROR_CODES.upstreamUnavailable, message: error.message },
    };
  }

  const bytes = new Uint8Array(await response.arrayBuffer());
  if (route.toList === null) {
    direct.usage.push(bytes);
    return {
      ...base,
      usage: direct.usage,
      status: 200,
      contentType: "application/json",
      body: textStream(new TextDecoder().decode(bytes)),
      error: null,
    };
  }
  const parsed = parseJson(new TextDecoder().decode(bytes));
  if (parsed === undefined) {
    throw new GatewayError({
      status: 502,
      code: ERROR_CODES.upstreamUnavailable,
      message: `${target.provider} returned a body that is not JSON`,
      expose: true,
    });
  }
  const list = JSON.stringify(route.toList(parsed));
  const usage = route.usageFromList ? createUsageObserver("openai", "application/json") : direct.usage;
  usage.push(route.usageFromList ? new TextEncoder().encode(list) : bytes);
  return {
    ...base,
    usage,
    status: 200,
    contentType: "application/json",
    body: textStream(list),
    error: null,
  };
}
