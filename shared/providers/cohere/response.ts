import { GatewayError } from "../../core/gateway-error.ts";
import { buildCompletion } from "../../translation/common/completion.ts";
import { arrayAt, isRecord, recordAt, stringAt } from "../../translation/common/json-values.ts";
import type { OpenAIChatCompletion, OpenAIToolCall } from "../../translation/openai/chat-schema.ts";
import type { ResponseContext } from "../../translation/types.ts";
import { cohereFailure } from "./errors.ts";
import { cohereFinishReason, isCohereFailure } from "./finish-reason.ts";
import { cohereUsage } from "./response-usage.ts";

/**
 * Cohere v2 chat response (https://docs.cohere.com/reference/chat) -> OpenAI chat completion.
 * - `message.tool_plan` (the text Cohere writes before its tool calls) comes first in `content`, then the
 *   text content items; `thinking` items of reasoning models have no Chat Completions counterpart;
 * - `message.tool_calls` are already OpenAI-shaped ({id, type: "function", function: {name, arguments}});
 * - finish_reason ERROR / TIMEOUT is a provider error (cohereFailure), not a completion.
 */
export function fromCohereResponse(
  body: unknown,
  model: string,
  context?: ResponseContext,
): OpenAIChatCompletion {
  const message = isRecord(body) ? recordAt(body, "message") : undefined;
  if (!isRecord(body) || message === undefined) {
    throw new GatewayError({
      status: 502,
      code: 7009,
      message: "Cohere returned a body that is not a chat response",
    });
  }
  const reason = stringAt(body, "finish_reason");
  if (isCohereFailure(reason)) throw cohereFailure(reason, undefined);
  let text = stringAt(message, "tool_plan") ?? "";
  for (const item of arrayAt(message, "content")) {
    if (isRecord(item) && item.type === "text") text += stringAt(item, "text") ?? "";
  }
  const toolCalls: OpenAIToolCall[] = [];
  for (const call of arrayAt(message, "tool_calls")) {
    if (!isRecord(call)) continue;
    const fn = recordAt(call, "function") ?? {};
    toolCalls.push({
      id: stringAt(call, "id") ?? "",
      type: "function",
      function: { name: stringAt(fn, "name") ?? "", arguments: stringAt(fn, "arguments") ?? "{}" },
    });
  }
  const usage = recordAt(body, "usage");
  return buildCompletion(
    {
      model,
      providerId: stringAt(body, "id"),
      text,
      toolCalls,
      finishReason: cohereFinishReason(reason),
      usage: usage === undefined ? undefined : cohereUsage(usage),
    },
    context,
  );
}
