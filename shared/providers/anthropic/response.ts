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
import { anthropicFinishReason } from "./finish-reason.ts";

/** Anthropic Message (https://docs.anthropic.com/en/api/messages) -> OpenAI chat completion. */
export function fromAnthropicResponse(
  body: unknown,
  model: string,
  context?: ResponseContext,
): OpenAIChatCompletion {
  if (!isRecord(body) || !Array.isArray(body.content)) {
    throw new GatewayError({
      status: 502,
      code: 7009,
      message: "Anthropic returned a body that is not a Message",
    });
  }
  let text = "";
  const toolCalls: OpenAIToolCall[] = [];
  for (const block of arrayAt(body, "content")) {
    if (!isRecord(block)) continue;
    if (block.type === "text") text += stringAt(block, "text") ?? "";
    if (block.type === "tool_use") {
      toolCalls.push({
        id: stringAt(block, "id") ?? "",
        type: "function",
        function: { name: stringAt(block, "name") ?? "", arguments: stringifyToolInput(block.input) },
      });
    }
  }
  const usage = recordAt(body, "usage");
  return buildCompletion(
    {
      model,
      providerId: stringAt(body, "id"),
      text,
      toolCalls,
      finishReason: anthropicFinishReason(stringAt(body, "stop_reason")),
      usage: usage === undefined ? undefined : anthropicUsage(usage),
    },
    context,
  );
}

/** Anthropic counts cache reads and writes OUTSIDE input_tokens; OpenAI's prompt_tokens includes them. */
export function anthropicUsage(usage: JsonRecord): OpenAIUsage {
  return toOpenAIUsage({
    uncachedInput: countAt(usage, "input_tokens") ?? 0,
    cacheRead: countAt(usage, "cache_read_input_tokens") ?? 0,
    cacheWrite: countAt(usage, "cache_creation_input_tokens") ?? 0,
    output: countAt(usage, "output_tokens") ?? 0,
  });
}
