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
  OpenAIFinishReason,
  OpenAIToolCall,
  OpenAIUsage,
} from "../../translation/openai/chat-schema.ts";
import type { ResponseContext } from "../../translation/types.ts";
import { geminiFinishReason } from "./finish-reason.ts";

/** GenerateContentResponse (https://ai.google.dev/api/generate-content#generatecontentresponse). */
export function fromGeminiResponse(
  body: unknown,
  model: string,
  context?: ResponseContext,
): OpenAIChatCompletion {
  if (!isRecord(body)) {
    throw new GatewayError({
      status: 502,
      code: 7009,
      message: "Gemini returned a body that is not a response",
    });
  }
  const id = context?.id ?? stringAt(body, "responseId") ?? `chatcmpl-${crypto.randomUUID()}`;
  const candidate = readCandidate(body, id);
  const usage = recordAt(body, "usageMetadata");
  return buildCompletion(
    {
      model,
      text: candidate.text,
      toolCalls: candidate.toolCalls,
      finishReason: candidate.finishReason,
      usage: usage === undefined ? undefined : geminiUsage(usage),
    },
    { ...context, id },
  );
}

export interface GeminiCandidate {
  text: string;
  toolCalls: OpenAIToolCall[];
  finishReason: OpenAIFinishReason;
  finishReasonRaw: string | undefined;
}

/**
 * The first candidate's text (thought parts left out) and function calls. Gemini gives function calls no
 * id unless it has one: the id is derived from the response id and the call's position.
 */
export function readCandidate(body: JsonRecord, responseId: string, toolOffset = 0): GeminiCandidate {
  const candidate = arrayAt(body, "candidates").find(isRecord);
  let text = "";
  const toolCalls: OpenAIToolCall[] = [];
  for (const part of arrayAt(recordAt(candidate ?? {}, "content") ?? {}, "parts")) {
    if (!isRecord(part)) continue;
    if (typeof part.text === "string" && part.thought !== true) text += part.text;
    const call = recordAt(part, "functionCall");
    if (call !== undefined) {
      toolCalls.push({
        id: stringAt(call, "id") ?? `call_${responseId}_${toolOffset + toolCalls.length}`,
        type: "function",
        function: { name: stringAt(call, "name") ?? "", arguments: stringifyToolInput(call.args) },
      });
    }
  }
  const raw = candidate === undefined ? undefined : stringAt(candidate, "finishReason");
  // A prompt blocked before generation has promptFeedback.blockReason and no candidate.
  const blocked =
    candidate === undefined && stringAt(recordAt(body, "promptFeedback") ?? {}, "blockReason") !== undefined;
  return {
    text,
    toolCalls,
    finishReason: blocked ? "content_filter" : geminiFinishReason(raw, toolCalls.length > 0),
    finishReasonRaw: blocked ? "SAFETY" : raw,
  };
}

/**
 * promptTokenCount already INCLUDES cachedContentTokenCount; tool-use prompt tokens are outside it.
 * Thinking tokens are billed as output, as OpenAI's reasoning tokens are part of completion_tokens.
 */
export function geminiUsage(usage: JsonRecord): OpenAIUsage {
  const prompt = (countAt(usage, "promptTokenCount") ?? 0) + (countAt(usage, "toolUsePromptTokenCount") ?? 0);
  const cached = Math.min(countAt(usage, "cachedContentTokenCount") ?? 0, prompt);
  return toOpenAIUsage({
    uncachedInput: prompt - cached,
    cacheRead: cached,
    cacheWrite: 0,
    output: (countAt(usage, "candidatesTokenCount") ?? 0) + (countAt(usage, "thoughtsTokenCount") ?? 0),
  });
}
