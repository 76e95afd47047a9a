import type {
  OpenAIChatChunk,
  OpenAIFinishReason,
  OpenAIToolCallDelta,
  OpenAIUsage,
} from "../openai/chat-schema.ts";

type Delta = OpenAIChatChunk["choices"][number]["delta"];

/**
 * Builds the canonical chunks of one stream in OpenAI's order: a role chunk first, then content and
 * tool-call deltas, one chunk with the finish_reason, and a usage chunk with `choices: []` (as OpenAI sends
 * with `stream_options.include_usage`). State belongs to one stream: create one writer per stream.
 */
export function createChunkWriter(model: string, id: string, created: number) {
  let roleSent = false;
  let finishSent = false;
  let usageSent = false;

  const chunk = (delta: Delta, finishReason: OpenAIFinishReason | null = null): OpenAIChatChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });

  const withRole = (chunks: OpenAIChatChunk[]): OpenAIChatChunk[] => {
    if (roleSent) return chunks;
    roleSent = true;
    return [chunk({ role: "assistant", content: "" }), ...chunks];
  };

  return {
    get finished(): boolean {
      return finishSent;
    },
    get usageSent(): boolean {
      return usageSent;
    },
    start(): OpenAIChatChunk[] {
      return withRole([]);
    },
    text(text: string): OpenAIChatChunk[] {
      if (text === "") return [];
      return withRole([chunk({ content: text })]);
    },
    toolCallStart(index: number, callId: string, name: string): OpenAIChatChunk[] {
      const call: OpenAIToolCallDelta = {
        index,
        id: callId,
        type: "function",
        function: { name, arguments: "" },
      };
      return withRole([chunk({ tool_calls: [call] })]);
    },
    toolCallArguments(index: number, argumentsText: string): OpenAIChatChunk[] {
      if (argumentsText === "") return [];
      return withRole([chunk({ tool_calls: [{ index, function: { arguments: argumentsText } }] })]);
    },
    finish(reason: OpenAIFinishReason): OpenAIChatChunk[] {
      if (finishSent) return [];
      finishSent = true;
      return withRole([chunk({}, reason)]);
    },
    usage(usage: OpenAIUsage): OpenAIChatChunk[] {
      if (usageSent) return [];
      usageSent = true;
      return [{ id, object: "chat.completion.chunk", created, model, choices: [], usage }];
    },
  };
}

export type ChunkWriter = ReturnType<typeof createChunkWriter>;
