import { isUsageChunk } from "../../translation/common/stream-usage.ts";
import type {
  OpenAIChatChunk,
  OpenAIChatCompletion,
  OpenAIUsage,
} from "../../translation/openai/chat-schema.ts";

/**
 * Workers AI's answers, written from the canonical completion and chunks (reference sections 1.3 and 2;
 * https://developers.cloudflare.com/workers-ai/models/, "Output" of each text-generation model):
 * - whole: Cloudflare's v4 envelope `{result: {response, tool_calls?, usage}, success: true, errors: [],
 *   messages: []}`, tool calls in Workers AI's own form `{name, arguments}` with the arguments as an object;
 * - streamed: SSE `data: {"response": "<text>"}` per piece of text, then (when the model called tools)
 *   `data: {"response": "", "tool_calls": [...]}`, then `data: {"response": "", "usage": {...}}`, then
 *   `data: [DONE]`, as Workers AI ends its streams; a failure mid-stream is
 *   `data: {"success": false, "errors": [{code, message}]}` and the stream ends.
 */
export interface WorkersAiToolCall {
  name: string;
  arguments: unknown;
}

export function workersAiEnvelope(result: unknown): Record<string, unknown> {
  return { result, success: true, errors: [], messages: [] };
}

export function workersAiResult(completion: OpenAIChatCompletion): Record<string, unknown> {
  const message = completion.choices[0]?.message;
  const toolCalls = (message?.tool_calls ?? []).map(
    (call): WorkersAiToolCall => ({
      name: call.function.name,
      arguments: argumentsOf(call.function.arguments),
    }),
  );
  return workersAiEnvelope({
    response: message?.content ?? "",
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    usage: usageOf(completion.usage),
  });
}

const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

/** The encoder of one Workers AI stream; tool calls arrive in pieces and are sent whole at the end. */
export function createWorkersAiStream(): {
  push(chunk: OpenAIChatChunk): string;
  finish(): string;
  error(code: number, message: string): string;
} {
  const calls: { name: string; arguments: string }[] = [];
  let usage: OpenAIUsage | undefined;
  return {
    push(chunk) {
      if (isUsageChunk(chunk)) {
        usage = chunk.usage;
        return "";
      }
      let out = "";
      for (const choice of chunk.choices) {
        if (choice.delta.content) out += sse({ response: choice.delta.content });
        for (const delta of choice.delta.tool_calls ?? []) {
          const call = calls[delta.index] ?? { name: "", arguments: "" };
          calls[delta.index] = call;
          call.name += delta.function.name ?? "";
          call.arguments += delta.function.arguments;
        }
      }
      if (chunk.usage) usage = chunk.usage;
      return out;
    },
    finish() {
      const toolCalls = calls
        .filter((call) => call !== undefined)
        .map((call): WorkersAiToolCall => ({ name: call.name, arguments: argumentsOf(call.arguments) }));
      return (
        (toolCalls.length > 0 ? sse({ response: "", tool_calls: toolCalls }) : "") +
        sse({ response: "", usage: usageOf(usage) }) +
        "data: [DONE]\n\n"
      );
    },
    error: (code, message) => sse({ success: false, errors: [{ code, message }] }),
  };
}

function usageOf(usage: OpenAIUsage | undefined): Record<string, number> {
  const prompt = usage?.prompt_tokens ?? 0;
  const completion = usage?.completion_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Workers AI gives arguments as an object; a model that wrote something else keeps its text. */
function argumentsOf(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
