import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";
import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import { translatorFor } from "../providers/registry.ts";
import { callProviderDirect, MAX_ERROR_BYTES, parseJson, textStream } from "./direct-provider-call.ts";
import { parseUnifiedModel } from "./model-name.ts";
import type { CallProviderInput, ProviderCallResult } from "./provider-call-types.ts";
import { translateStream } from "./translated-stream.ts";

/** The header that sets the Azure OpenAI api-version (docs/unified-api.md); never forwarded (cf-aig-*). */
export const AZURE_API_VERSION_HEADER = "cf-aig-azure-api-version";

/**
 * Translates the canonical request for the provider its model names, calls the provider, and returns the
 * answer translated into the caller's format: a JSON body, an SSE stream, or the provider's error in the
 * caller's error shape with the provider's status.
 */
export async function callProvider(
  input: CallProviderInput,
  deps: ProxyDependencies,
): Promise<ProviderCallResult> {
  if (typeof input.canonical.model !== "string" || input.canonical.model === "")
    throw GatewayError.badRequest('The request names no model: use "{provider}/{model}"');
  const target = parseUnifiedModel(input.canonical.model);
  // Azure OpenAI: the api-version of the deployment URL, when the caller does not want the default.
  const translator = translatorFor(target.provider, {
    apiVersion: input.headers.get(AZURE_API_VERSION_HEADER),
  });
  if (translator === undefined) throw GatewayError.badRequest(`Unknown provider "${target.provider}"`);
  const translated = translator.toProviderRequest(input.canonical, target.model);
  const { call, usage, headersAt, limitHeaders } = await callProviderDirect(target, translated, input, deps);
  const { response } = call;
  const base = { usage, headersAt, limitHeaders, abort: call.abort };

  if (response.status >= 400) {
    const text = (await response.text()).slice(0, MAX_ERROR_BYTES);
    const error = translator.errorFromProvider(response.status, parseJson(text));
    return {
      ...base,
      status: error.status,
      contentType: "application/json",
      body: textStream(
        JSON.stringify(input.format.providerError(error.status, error.type, error.message, error.code)),
      ),
      error: { code: ERROR_CODES.upstreamUnavailable, message: error.message },
    };
  }

  if (input.canonical.stream === true) {
    if (!response.body) throw upstreamBroken(target.provider, "no body");
    const created = Math.floor(deps.clock.now() / 1000);
    const result = {
      ...base,
      status: 200,
      contentType: "text/event-stream; charset=utf-8",
      error: null as ProviderCallResult["error"],
    };
    const body = translateStream(
      target.provider,
      response.body,
      translator.createStreamTranslator(target.model, `chatcmpl-${input.id}`, created),
      input.format.stream(input.canonical, target.model, input.id),
      usage,
      // A provider failing mid-stream: the caller got an error event; the log gets the failure (read at the end).
      ({ code, message }) => {
        result.error = { code, message };
      },
    );
    return Object.assign(result, { body });
  }

  const bytes = new Uint8Array(await response.arrayBuffer());
  usage.push(bytes);
  const parsed = parseJson(new TextDecoder().decode(bytes));
  if (parsed === undefined) throw upstreamBroken(target.provider, "a body that is not JSON");
  const completion = translator.fromProviderResponse(parsed, target.model);
  return {
    ...base,
    status: 200,
    contentType: "application/json",
    body: textStream(JSON.stringify(input.format.completion(completion))),
    error: null,
  };
}

function upstreamBroken(provider: string, what: string): GatewayError {
  return new GatewayError({
    status: 502,
    code: ERROR_CODES.upstreamUnavailable,
    message: `${provider} returned ${what}`,
    expose: true,
  });
}
