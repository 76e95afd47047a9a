import { createChunkWriter } from "../../translation/common/chunk-writer.ts";
import {
  countAt,
  isRecord,
  type JsonRecord,
  recordAt,
  stringAt,
} from "../../translation/common/json-values.ts";
import type { OpenAIChatChunk } from "../../translation/openai/chat-schema.ts";
import type { StreamTranslator } from "../../translation/types.ts";
import { cohereFailure } from "./errors.ts";
import { cohereFinishReason, isCohereFailure } from "./finish-reason.ts";
import { cohereUsage } from "./response-usage.ts";

/**
 * Cohere v2 stream events (https://docs.cohere.com/docs/streaming, https://docs.cohere.com/docs/tool-use-streaming)
 * -> OpenAI chunks. Every event carries its `type` in the JSON (the SSE `event:` line repeats it):
 * - message-start: the role chunk;
 * - content-delta (`delta.message.content.text`) and tool-plan-delta (`delta.message.tool_plan`): content;
 * - tool-call-start (`delta.message.tool_calls` is ONE call {id, type, function: {name, arguments}}) and
 *   tool-call-delta (`...tool_calls.function.arguments`): one OpenAI tool call per Cohere call, numbered in
 *   order of appearance (Cohere's `index` counts content blocks);
 * - message-end: `delta.finish_reason` and `delta.usage`; ERROR / TIMEOUT (with `delta.error`) is a
 *   provider error raised after the chunks already sent.
 * content-start, content-end, tool-call-end and citation events carry nothing to translate.
 */
export function createCohereStreamTranslator(model: string, id: string, created: number): StreamTranslator {
  const writer = createChunkWriter(model, id, created);
  const toolIndexByBlock = new Map<number, number>();
  let lastToolIndex = -1;

  const messageOf = (event: JsonRecord): JsonRecord =>
    recordAt(recordAt(event, "delta") ?? {}, "message") ?? {};

  const end = (delta: JsonRecord): OpenAIChatChunk[] => {
    const reason = stringAt(delta, "finish_reason");
    if (isCohereFailure(reason)) throw cohereFailure(reason, stringAt(delta, "error"));
    const usageRecord = recordAt(delta, "usage");
    const usage = usageRecord === undefined ? undefined : cohereUsage(usageRecord);
    return [
      ...writer.finish(cohereFinishReason(reason)),
      ...(usage === undefined ? [] : writer.usage(usage)),
    ];
  };

  return {
    push(event: unknown): OpenAIChatChunk[] {
      if (!isRecord(event)) return [];
      switch (event.type) {
        case "message-start":
          return writer.start();
        case "content-delta":
          return writer.text(stringAt(recordAt(messageOf(event), "content") ?? {}, "text") ?? "");
        case "tool-plan-delta":
          return writer.text(stringAt(messageOf(event), "tool_plan") ?? "");
        case "tool-call-start": {
          const call = recordAt(messageOf(event), "tool_calls") ?? {};
          const fn = recordAt(call, "function") ?? {};
          lastToolIndex = toolIndexByBlock.size;
          toolIndexByBlock.set(countAt(event, "index") ?? lastToolIndex, lastToolIndex);
          return [
            ...writer.toolCallStart(lastToolIndex, stringAt(call, "id") ?? "", stringAt(fn, "name") ?? ""),
            ...writer.toolCallArguments(lastToolIndex, stringAt(fn, "arguments") ?? ""),
          ];
        }
        case "tool-call-delta": {
          const blockIndex = countAt(event, "index");
          const toolIndex = blockIndex === undefined ? lastToolIndex : toolIndexByBlock.get(blockIndex);
          if (toolIndex === undefined || toolIndex < 0) return [];
          const fn = recordAt(recordAt(messageOf(event), "tool_calls") ?? {}, "function") ?? {};
          return writer.toolCallArguments(toolIndex, stringAt(fn, "arguments") ?? "");
        }
        case "message-end":
          return end(recordAt(event, "delta") ?? {});
        default:
          return [];
      }
    },
    finish(): OpenAIChatChunk[] {
      // The stream ended without message-end: close the choice; usage is unknown.
      return writer.finish("stop");
    },
  };
}
