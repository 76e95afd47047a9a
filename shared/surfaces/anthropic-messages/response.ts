import { anthropicStopReason } from "../../providers/anthropic/finish-reason.ts";
import { isRecord } from "../../translation/common/json-values.ts";
import type { OpenAIChatCompletion, OpenAIUsage } from "../../translation/openai/chat-schema.ts";

/** Canonical completion -> Anthropic Message (https://docs.anthropic.com/en/api/messages). */
export function chatCompletionToAnthropicMessage(completion: OpenAIChatCompletion): Record<string, unknown> {
  const choice = completion.choices[0];
  const content: Array<Record<string, unknown>> = [];
  const text = choice?.message.content ?? "";
  if (text !== "") content.push({ type: "text", text });
  for (const call of choice?.message.tool_calls ?? []) {
    content.push({
      type: "tool_use",
      id: call.id,
      name: call.function.name,
      input: parseInput(call.function.arguments),
    });
  }
  return {
    id: completion.id,
    type: "message",
    role: "assistant",
    model: completion.model,
    content,
    stop_reason: anthropicStopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: anthropicUsageFromOpenAI(completion.usage),
  };
}

/**
 * OpenAI's prompt_tokens includes cached input; Anthropic's input_tokens does not, so the cached part
 * moves to cache_read_input_tokens. OpenAI usage has no cache-write figure: it stays in input_tokens.
 */
export function anthropicUsageFromOpenAI(usage: OpenAIUsage | undefined): Record<string, number> {
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cached),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}

function parseInput(argumentsText: string): unknown {
  try {
    const parsed: unknown = JSON.parse(argumentsText === "" ? "{}" : argumentsText);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {}; // a model that produced broken JSON arguments: Anthropic's shape needs an object
  }
}
