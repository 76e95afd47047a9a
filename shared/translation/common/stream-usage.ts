import type { OpenAIChatChunk, OpenAIChatRequest } from "../openai/chat-schema.ts";

/**
 * Translators always obtain usage upstream (the log and the cost need it) and always emit the usage chunk.
 * OpenAI sends that chunk only when the client asked with `stream_options.include_usage`: the surface
 * drops it otherwise, after the log has read it.
 */
export function clientAskedForUsage(request: OpenAIChatRequest): boolean {
  return request.stream_options?.include_usage === true;
}

export function isUsageChunk(chunk: OpenAIChatChunk): boolean {
  return chunk.choices.length === 0 && chunk.usage !== undefined;
}
