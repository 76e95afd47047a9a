import type { OpenAIChatChunk, OpenAIChatCompletion, OpenAIChatRequest } from "./openai/chat-schema.ts";

export type { OpenAIChatChunk, OpenAIChatCompletion, OpenAIChatRequest } from "./openai/chat-schema.ts";

/** A request ready for the provider: `path` is relative to the provider's base URL (no leading slash). */
export interface TranslatedRequest {
  path: string;
  body: unknown;
  headers?: Record<string, string>;
}

/** Values the caller fixes for a non-streamed response (defaults: provider id or a random one, now). */
export interface ResponseContext {
  id?: string;
  created?: number;
}

export interface StreamTranslator {
  /** One parsed provider stream event in, zero or more canonical chunks out. */
  push(event: unknown): OpenAIChatChunk[];
  /** The end of the provider stream: flushes a final chunk if the provider never sent a stop. */
  finish(): OpenAIChatChunk[];
}

export interface ProviderErrorTranslation {
  status: number;
  message: string;
  type: string;
  /** The provider's machine-readable code when it gives one (OpenAI's `error.code`), for OpenAI callers. */
  code?: string | null;
}

export interface ProviderTranslator {
  provider: string;
  /** Throws GatewayError.badRequest naming any parameter the provider cannot honour. */
  toProviderRequest(request: OpenAIChatRequest, model: string): TranslatedRequest;
  fromProviderResponse(body: unknown, model: string, context?: ResponseContext): OpenAIChatCompletion;
  createStreamTranslator(model: string, id: string, created: number): StreamTranslator;
  errorFromProvider(status: number, body: unknown): ProviderErrorTranslation;
}
