import { ERROR_CODES } from "../../core/gateway-error.ts";
import type { ProxyDependencies } from "../../core/proxy-dependencies.ts";
import { midStreamFailure } from "../../resilience/stream-failure.ts";
import {
  callProviderDirect,
  MAX_ERROR_BYTES,
  observedPassthrough,
  parseJson,
  textStream,
} from "../direct-provider-call.ts";
import type { UnifiedModel } from "../model-name.ts";
import type { OperationInput, ProviderCallResult } from "../provider-call-types.ts";

/**
 * OpenAI models on the Responses surface go to OpenAI's own `/v1/responses`: the body as sent, with only the
 * provider prefix taken off the model, and the answer (JSON or the SSE event stream) passed through as it
 * arrives. Everything OpenAI offers there (stored responses, built-in tools, reasoning) works as on OpenAI.
 * Usage for the log is read from the body or the `response.completed` event (`input_tokens`, ...).
 */
export async function callNativeOpenAIResponses(
  body: Record<string, unknown>,
  target: UnifiedModel,
  input: OperationInput,
  deps: ProxyDependencies,
): Promise<ProviderCallResult> {
  const direct = await callProviderDirect(
    target,
    { path: "responses", body: { ...body, model: target.model } },
    input,
    deps,
  );
  const { response } = direct.call;
  const base = {
    usage: direct.usage,
    headersAt: direct.headersAt,
    limitHeaders: direct.limitHeaders,
    abort: direct.call.abort,
  };
  const contentType = response.headers.get("content-type") ?? "application/json";
  if (response.status >= 400) {
    const text = (await response.text()).slice(0, MAX_ERROR_BYTES);
    const parsed = parseJson(text) as { error?: { message?: unknown } } | undefined;
    const message =
      typeof parsed?.error?.message === "string"
        ? parsed.error.message
        : `openai answered ${response.status}`;
    return {
      ...base,
      status: response.status,
      contentType,
      body: textStream(text),
      error: { code: ERROR_CODES.upstreamUnavailable, message },
    };
  }
  const result = {
    ...base,
    status: response.status,
    contentType,
    error: null as ProviderCallResult["error"],
  };
  // A stream cut mid-way ends with the Responses API's `error` event, as the bridged models' streams do.
  const failureTail = (error: unknown) => {
    const failure = midStreamFailure(error);
    result.error = { code: failure.code, message: failure.message };
    if (!contentType.toLowerCase().includes("text/event-stream")) return null;
    const event = { type: "error", code: "server_error", message: failure.message, param: null };
    return new TextEncoder().encode(`\n\nevent: error\ndata: ${JSON.stringify(event)}\n\n`);
  };
  const passed = response.body
    ? observedPassthrough(response.body, direct.usage, failureTail)
    : textStream("");
  return Object.assign(result, { body: passed });
}
