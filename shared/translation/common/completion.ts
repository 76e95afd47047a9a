import type {
  OpenAIChatCompletion,
  OpenAIFinishReason,
  OpenAIToolCall,
  OpenAIUsage,
} from "../openai/chat-schema.ts";
import type { ResponseContext } from "../types.ts";

export interface CompletionParts {
  model: string;
  providerId?: string;
  text: string;
  toolCalls: OpenAIToolCall[];
  finishReason: OpenAIFinishReason;
  usage?: OpenAIUsage;
}

/** Assembles a canonical completion; `context` fixes id and created (tests, cached replays). */
export function buildCompletion(parts: CompletionParts, context: ResponseContext = {}): OpenAIChatCompletion {
  const completion: OpenAIChatCompletion = {
    id: context.id ?? parts.providerId ?? `chatcmpl-${crypto.randomUUID()}`,
    object: "chat.completion",
    created: context.created ?? Math.floor(Date.now() / 1000),
    model: parts.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: parts.text === "" && parts.toolCalls.length > 0 ? null : parts.text,
          refusal: null,
          ...(parts.toolCalls.length > 0 ? { tool_calls: parts.toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: parts.finishReason,
      },
    ],
  };
  if (parts.usage !== undefined) completion.usage = parts.usage;
  return completion;
}
