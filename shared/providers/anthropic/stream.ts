import { createChunkWriter } from "../../translation/common/chunk-writer.ts";
import { countAt, isRecord, recordAt, stringAt } from "../../translation/common/json-values.ts";
import { toOpenAIUsage } from "../../translation/common/usage.ts";
import type { OpenAIChatChunk, OpenAIFinishReason } from "../../translation/openai/chat-schema.ts";
import type { StreamTranslator } from "../../translation/types.ts";
import { anthropicProviderError } from "./errors.ts";
import { anthropicFinishReason } from "./finish-reason.ts";

/**
 * Anthropic stream events (https://docs.anthropic.com/en/api/messages-streaming) -> OpenAI chunks.
 * message_start carries the input and cache figures; message_delta the stop_reason and the CUMULATIVE
 * output_tokens (and possibly updated input figures). Each tool_use block becomes one tool call, numbered
 * in order of appearance; its input arrives as input_json_delta fragments.
 */
export function createAnthropicStreamTranslator(
  model: string,
  id: string,
  created: number,
): StreamTranslator {
  const writer = createChunkWriter(model, id, created);
  const toolIndexByBlock = new Map<number, number>();
  const usage = { uncachedInput: 0, cacheRead: 0, cacheWrite: 0, output: 0 };
  let usageKnown = false;
  let finishReason: OpenAIFinishReason | undefined;

  const readUsage = (value: Record<string, unknown> | undefined): void => {
    if (value === undefined) return;
    usageKnown = true;
    usage.uncachedInput = countAt(value, "input_tokens") ?? usage.uncachedInput;
    usage.cacheRead = countAt(value, "cache_read_input_tokens") ?? usage.cacheRead;
    usage.cacheWrite = countAt(value, "cache_creation_input_tokens") ?? usage.cacheWrite;
    usage.output = countAt(value, "output_tokens") ?? usage.output;
  };

  const end = (): OpenAIChatChunk[] => [
    ...writer.finish(finishReason ?? "stop"),
    ...(usageKnown ? writer.usage(toOpenAIUsage(usage)) : []),
  ];

  return {
    push(event: unknown): OpenAIChatChunk[] {
      if (!isRecord(event)) return [];
      switch (event.type) {
        case "message_start":
          readUsage(recordAt(recordAt(event, "message") ?? {}, "usage"));
          return writer.start();
        case "content_block_start": {
          const block = recordAt(event, "content_block");
          const blockIndex = countAt(event, "index") ?? 0;
          if (block?.type === "tool_use") {
            const toolIndex = toolIndexByBlock.size;
            toolIndexByBlock.set(blockIndex, toolIndex);
            return writer.toolCallStart(
              toolIndex,
              stringAt(block, "id") ?? "",
              stringAt(block, "name") ?? "",
            );
          }
          if (block?.type === "text") return writer.text(stringAt(block, "text") ?? "");
          return [];
        }
        case "content_block_delta": {
          const delta = recordAt(event, "delta");
          if (delta?.type === "text_delta") return writer.text(stringAt(delta, "text") ?? "");
          if (delta?.type === "input_json_delta") {
            const toolIndex = toolIndexByBlock.get(countAt(event, "index") ?? 0);
            if (toolIndex === undefined) return [];
            return writer.toolCallArguments(toolIndex, stringAt(delta, "partial_json") ?? "");
          }
          return []; // thinking and signature deltas have no Chat Completions counterpart
        }
        case "message_delta": {
          readUsage(recordAt(event, "usage"));
          const stopReason = stringAt(recordAt(event, "delta") ?? {}, "stop_reason");
          finishReason = anthropicFinishReason(stopReason);
          return writer.finish(finishReason);
        }
        case "message_stop":
          return end();
        case "error":
          throw anthropicProviderError(200, event);
        default:
          return []; // ping, content_block_stop, and event types newer than this translator
      }
    },
    finish(): OpenAIChatChunk[] {
      return end();
    },
  };
}
