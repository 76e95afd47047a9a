import { GatewayError } from "../../core/gateway-error.ts";
import { isRecord, recordAt, stringAt } from "../../translation/common/json-values.ts";
import type {
  OpenAIChatChunk,
  OpenAIChatCompletion,
  OpenAIChatRequest,
} from "../../translation/openai/chat-schema.ts";
import type { ProviderTranslator, ResponseContext, StreamTranslator } from "../../translation/types.ts";

/** One OpenAI-compatible provider's quirks (its registry row, shared/providers/openai-compatible/family.ts). */
export interface OpenAICompatibleOptions {
  provider: string;
  /** Path under the provider base URL; `{model}` is replaced by the encoded model id. */
  path: string;
  /** The model is named in the path and not in the body (Azure, shared/providers/azure-openai/). */
  modelInPath?: boolean;
  refusedParameters: readonly string[];
}

/**
 * The OpenAI-compatible family: the canonical format IS the wire format, so translation is identity plus
 * the provider's quirks - its path, the parameters it refuses - and, when streaming, always
 * `stream_options.include_usage` so that usage is known (the client may not have asked for it).
 */
export function createOpenAICompatibleTranslator(options: OpenAICompatibleOptions): ProviderTranslator {
  return {
    provider: options.provider,
    toProviderRequest(request: OpenAIChatRequest, model: string) {
      const refused = options.refusedParameters.filter((key) => {
        const value = request[key];
        return value !== undefined && value !== null && !(key === "n" && value === 1) && value !== false;
      });
      if (refused.length > 0) {
        throw GatewayError.badRequest(
          `Unsupported parameter for provider ${options.provider}: ${refused.join(", ")}`,
        );
      }
      const body: Record<string, unknown> = { ...request, model };
      if (options.modelInPath === true) delete body.model;
      if (request.stream === true)
        body.stream_options = { ...(request.stream_options ?? {}), include_usage: true };
      return { path: options.path.replace("{model}", encodeURIComponent(model)), body };
    },
    fromProviderResponse(body: unknown, model: string, context?: ResponseContext): OpenAIChatCompletion {
      if (!isRecord(body) || !Array.isArray(body.choices)) {
        throw new GatewayError({
          status: 502,
          code: 7009,
          message: `${options.provider} returned a body that is not a chat completion`,
        });
      }
      const completion = {
        ...body,
        model: stringAt(body, "model") ?? model,
      } as unknown as OpenAIChatCompletion;
      if (context?.id !== undefined) completion.id = context.id;
      if (context?.created !== undefined) completion.created = context.created;
      return completion;
    },
    createStreamTranslator(): StreamTranslator {
      return {
        push(event: unknown): OpenAIChatChunk[] {
          // A provider failing after the 200 sends `data: {"error": {...}}` (OpenAI, OpenRouter, vLLM):
          // report it as the other translators do, never drop it as a chunk without choices.
          const error = isRecord(event) ? recordAt(event, "error") : undefined;
          if (error !== undefined) {
            throw new GatewayError({
              status: 502,
              code: 7009,
              message: stringAt(error, "message") ?? `${options.provider} reported an error mid-stream`,
              expose: true,
            });
          }
          return isRecord(event) && Array.isArray(event.choices) ? [event as unknown as OpenAIChatChunk] : [];
        },
        finish: () => [],
      };
    },
    errorFromProvider(status: number, body: unknown) {
      const error = isRecord(body) ? recordAt(body, "error") : undefined;
      return {
        status,
        message:
          (error === undefined ? undefined : stringAt(error, "message")) ??
          `${options.provider} returned status ${status}`,
        type:
          (error === undefined ? undefined : stringAt(error, "type")) ??
          (status >= 500 ? "api_error" : "invalid_request_error"),
        code: (error === undefined ? undefined : stringAt(error, "code")) ?? null,
      };
    },
  };
}
