import { GatewayError } from "../../core/gateway-error.ts";
import { buildCompletion } from "../../translation/common/completion.ts";
import {
  arrayAt,
  countAt,
  isRecord,
  type JsonRecord,
  recordAt,
  stringAt,
  stringifyToolInput,
} from "../../translation/common/json-values.ts";
import { toOpenAIUsage } from "../../translation/common/usage.ts";
import type {
  OpenAIChatCompletion,
  OpenAIToolCall,
  OpenAIUsage,
} from "../../translation/openai/chat-schema.ts";
import type { ResponseContext } from "../../translation/types.ts";
import { bedrockFinishReason } from "./finish-reason.ts";

/** Converse response (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html). */
export function fromBedrockConverseResponse(
  body: unknown,
  model: string,
  context?: ResponseContext,
): OpenAIChatCompletion {
  const message = isRecord(body) ? recordAt(recordAt(body, "output") ?? {}, "message") : undefined;
  if (!isRecord(body) || message === undefined) {
    throw new GatewayError({
      status: 502,
      code: 7009,
      message: "Bedrock returned a body that is not a Converse response",
    });
  }
  let text = "";
  const toolCalls: OpenAIToolCall[] = [];
  for (const block of arrayAt(message, "content")) {
    if (!isRecord(block)) continue;
    if (typeof block.text === "string") text += block.text;
    const toolUse = recordAt(block, "toolUse");
    if (toolUse !== undefined) {
      toolCalls.push({
        id: stringAt(toolUse, "toolUseId") ?? "",
        type: "function",
        function: { name: stringAt(toolUse, "name") ?? "", arguments: stringifyToolInput(toolUse.input) },
      });
    }
  }
  const usage = recordAt(body, "usage");
  return buildCompletion(
    {
      model,
      text,
      toolCalls,
      finishReason: bedrockFinishReason(stringAt(body, "stopReason")),
      usage: usage === undefined ? undefined : bedrockUsage(usage),
    },
    context,
  );
}

/** AWS reports inputTokens EXCLUDING cache reads and writes (totalTokens is the sum of all four). */
export function bedrockUsage(usage: JsonRecord): OpenAIUsage {
  return toOpenAIUsage({
    uncachedInput: countAt(usage, "inputTokens") ?? 0,
    cacheRead: countAt(usage, "cacheReadInputTokens") ?? 0,
    cacheWrite: countAt(usage, "cacheWriteInputTokens") ?? 0,
    output: countAt(usage, "outputTokens") ?? 0,
  });
}
