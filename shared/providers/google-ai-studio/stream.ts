import { createChunkWriter } from "../../translation/common/chunk-writer.ts";
import { isRecord, type JsonRecord, recordAt } from "../../translation/common/json-values.ts";
import type { OpenAIChatChunk, OpenAIFinishReason } from "../../translation/openai/chat-schema.ts";
import type { StreamTranslator } from "../../translation/types.ts";
import { geminiProviderError } from "./errors.ts";
import { geminiFinishReason } from "./finish-reason.ts";
import { geminiUsage, readCandidate } from "./response.ts";

/**
 * streamGenerateContent?alt=sse: every event is a whole GenerateContentResponse holding the next piece of
 * text; function calls arrive whole, in one event. usageMetadata is repeated and the last one is final;
 * the event with finishReason closes the candidate. The usage chunk waits for finish() (the end of the
 * upstream stream) because a later event may still carry a newer usageMetadata.
 */
export function createGeminiStreamTranslator(model: string, id: string, created: number): StreamTranslator {
  const writer = createChunkWriter(model, id, created);
  let toolCount = 0;
  let usage: JsonRecord | undefined;
  let finishReason: OpenAIFinishReason | undefined;

  const end = (): OpenAIChatChunk[] => [
    ...writer.finish(finishReason ?? (toolCount > 0 ? "tool_calls" : "stop")),
    ...(usage === undefined ? [] : writer.usage(geminiUsage(usage))),
  ];

  return {
    push(event: unknown): OpenAIChatChunk[] {
      if (!isRecord(event)) return [];
      if (isRecord(event.error)) throw geminiProviderError(event);
      usage = recordAt(event, "usageMetadata") ?? usage;
      const candidate = readCandidate(event, id, toolCount);
      const chunks = [...writer.start(), ...writer.text(candidate.text)];
      for (const call of candidate.toolCalls) {
        chunks.push(...writer.toolCallStart(toolCount, call.id, call.function.name));
        chunks.push(...writer.toolCallArguments(toolCount, call.function.arguments));
        toolCount += 1;
      }
      if (candidate.finishReasonRaw !== undefined) {
        finishReason = geminiFinishReason(candidate.finishReasonRaw, toolCount > 0);
        chunks.push(...writer.finish(finishReason));
      }
      return chunks;
    },
    finish(): OpenAIChatChunk[] {
      return end();
    },
  };
}
