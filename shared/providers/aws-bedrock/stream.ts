import { createChunkWriter } from "../../translation/common/chunk-writer.ts";
import {
  countAt,
  isRecord,
  type JsonRecord,
  recordAt,
  stringAt,
} from "../../translation/common/json-values.ts";
import type { OpenAIChatChunk, OpenAIFinishReason } from "../../translation/openai/chat-schema.ts";
import type { StreamTranslator } from "../../translation/types.ts";
import { bedrockStreamException } from "./errors.ts";
import { bedrockFinishReason } from "./finish-reason.ts";
import { bedrockUsage } from "./response.ts";

/**
 * ConverseStream events (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html),
 * each decoded from the binary event stream as `{ type: ":event-type" header, payload: parsed JSON }`:
 * messageStart, contentBlockStart (tool use id and name), contentBlockDelta (text or tool input
 * fragments), contentBlockStop, messageStop (stopReason), then metadata (usage) AFTER messageStop.
 */
export function createBedrockConverseStreamTranslator(
  model: string,
  id: string,
  created: number,
): StreamTranslator {
  const writer = createChunkWriter(model, id, created);
  const toolIndexByBlock = new Map<number, number>();
  let finishReason: OpenAIFinishReason | undefined;

  return {
    push(event: unknown): OpenAIChatChunk[] {
      if (!isRecord(event) || typeof event.type !== "string") return [];
      const payload = readPayload(event.payload);
      switch (event.type) {
        case "messageStart":
          return writer.start();
        case "contentBlockStart": {
          const toolUse = recordAt(recordAt(payload, "start") ?? {}, "toolUse");
          if (toolUse === undefined) return [];
          const toolIndex = toolIndexByBlock.size;
          toolIndexByBlock.set(countAt(payload, "contentBlockIndex") ?? 0, toolIndex);
          return writer.toolCallStart(
            toolIndex,
            stringAt(toolUse, "toolUseId") ?? "",
            stringAt(toolUse, "name") ?? "",
          );
        }
        case "contentBlockDelta": {
          const delta = recordAt(payload, "delta") ?? {};
          if (typeof delta.text === "string") return writer.text(delta.text);
          const toolUse = recordAt(delta, "toolUse");
          if (toolUse !== undefined) {
            const toolIndex = toolIndexByBlock.get(countAt(payload, "contentBlockIndex") ?? 0);
            if (toolIndex === undefined) return [];
            return writer.toolCallArguments(toolIndex, stringAt(toolUse, "input") ?? "");
          }
          return []; // reasoningContent and citations have no Chat Completions counterpart
        }
        case "messageStop":
          finishReason = bedrockFinishReason(stringAt(payload, "stopReason"));
          return writer.finish(finishReason);
        case "metadata": {
          const usage = recordAt(payload, "usage");
          const chunks = writer.finish(finishReason ?? "stop");
          return usage === undefined ? chunks : [...chunks, ...writer.usage(bedrockUsage(usage))];
        }
        default: {
          const exception = bedrockStreamException(event.type, payload);
          if (exception !== undefined) throw exception;
          return [];
        }
      }
    },
    finish(): OpenAIChatChunk[] {
      return writer.finish(finishReason ?? "stop");
    },
  };
}

function readPayload(payload: unknown): JsonRecord {
  if (isRecord(payload)) return payload;
  if (typeof payload === "string") {
    try {
      const parsed: unknown = JSON.parse(payload);
      if (isRecord(parsed)) return parsed;
    } catch {
      return {};
    }
  }
  return {};
}
