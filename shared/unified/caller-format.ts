import type { ErrorDialect } from "../http/error-response.ts";
import { anthropicSurfaceToChatRequest } from "../surfaces/anthropic-messages/request.ts";
import { chatCompletionToAnthropicMessage } from "../surfaces/anthropic-messages/response.ts";
import { createAnthropicSurfaceStream } from "../surfaces/anthropic-messages/stream.ts";
import { clientAskedForUsage, isUsageChunk, parseChatRequest } from "../translation/index.ts";
import type { OpenAIChatChunk, OpenAIChatCompletion, OpenAIChatRequest } from "../translation/types.ts";
import type { UnifiedFormat } from "./unified-path.ts";

/** The SSE encoder of one stream in the caller's format. */
export interface CallerStream {
  push(chunk: OpenAIChatChunk): string;
  finish(): string;
  error(status: number, type: string, message: string): string;
}

/** What differs between the OpenAI and the Anthropic caller: parsing, response shape, stream framing. */
export interface CallerFormat {
  dialect: ErrorDialect;
  toCanonical(body: unknown): OpenAIChatRequest;
  completion(completion: OpenAIChatCompletion): unknown;
  stream(request: OpenAIChatRequest, model: string, id: string): CallerStream;
  providerError(status: number, type: string, message: string, code?: string | null): unknown;
}

const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

const ANTHROPIC_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  529: "overloaded_error",
};

const openAIFormat: CallerFormat = {
  dialect: "openai",
  toCanonical: parseChatRequest,
  completion: (completion) => completion,
  stream(request) {
    const keepUsage = clientAskedForUsage(request);
    return {
      push: (chunk) => (isUsageChunk(chunk) && !keepUsage ? "" : sse(chunk)),
      finish: () => "data: [DONE]\n\n",
      error: (status, type, message) => sse({ error: { message, type, param: null, code: status } }),
    };
  },
  providerError: (_status, type, message, code = null) => ({ error: { message, type, param: null, code } }),
};

function anthropicErrorBody(status: number, message: string) {
  return {
    type: "error",
    error: {
      type: ANTHROPIC_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"),
      message,
    },
  };
}

const anthropicFormat: CallerFormat = {
  dialect: "anthropic",
  toCanonical: anthropicSurfaceToChatRequest,
  completion: chatCompletionToAnthropicMessage,
  stream(_request, model, id) {
    const surface = createAnthropicSurfaceStream(model, `msg_${id.replaceAll("-", "")}`);
    const encode = (events: { type: string }[]) =>
      events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join("");
    return {
      push: (chunk) => encode(surface.push(chunk)),
      finish: () => encode(surface.finish()),
      error: (status, _type, message) =>
        `event: error\ndata: ${JSON.stringify(anthropicErrorBody(status, message))}\n\n`,
    };
  },
  providerError: (status, _type, message) => anthropicErrorBody(status, message),
};

export function callerFormat(format: UnifiedFormat): CallerFormat {
  return format === "anthropic" ? anthropicFormat : openAIFormat;
}
