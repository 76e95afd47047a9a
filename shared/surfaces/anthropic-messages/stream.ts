import { anthropicStopReason } from "../../providers/anthropic/finish-reason.ts";
import type { OpenAIChatChunk, OpenAIUsage } from "../../translation/openai/chat-schema.ts";
import { anthropicUsageFromOpenAI } from "./response.ts";

export type AnthropicStreamEvent = Record<string, unknown> & { type: string };

/**
 * Canonical chunks -> Anthropic stream events (https://docs.anthropic.com/en/api/messages-streaming):
 * message_start, then per content block content_block_start / content_block_delta (text_delta or
 * input_json_delta) / content_block_stop, then message_delta (stop_reason, usage) and message_stop.
 * OpenAI sends usage after the finish_reason, so message_delta waits for the usage chunk or the end.
 * Each event is written as SSE `event: {type}` + `data: {json}`.
 */
export function createAnthropicSurfaceStream(model: string, id: string) {
  let started = false;
  let ended = false;
  let blockCount = 0;
  let openBlock: { index: number; kind: "text" | "tool"; toolIndex?: number } | undefined;
  const blockByTool = new Map<number, number>();
  let stopReason: string | undefined;
  let usage: OpenAIUsage | undefined;

  const start = (): AnthropicStreamEvent[] => {
    if (started) return [];
    started = true;
    return [
      {
        type: "message_start",
        message: {
          id,
          type: "message",
          role: "assistant",
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      },
    ];
  };
  const closeBlock = (): AnthropicStreamEvent[] => {
    if (openBlock === undefined) return [];
    const index = openBlock.index;
    openBlock = undefined;
    return [{ type: "content_block_stop", index }];
  };
  const end = (): AnthropicStreamEvent[] => {
    if (ended) return [];
    ended = true;
    return [
      ...start(),
      ...closeBlock(),
      {
        type: "message_delta",
        delta: { stop_reason: stopReason ?? "end_turn", stop_sequence: null },
        usage: anthropicUsageFromOpenAI(usage),
      },
      { type: "message_stop" },
    ];
  };

  return {
    push(chunk: OpenAIChatChunk): AnthropicStreamEvent[] {
      if (ended) return [];
      const events = start();
      if (chunk.usage !== undefined && chunk.usage !== null) usage = chunk.usage;
      for (const choice of chunk.choices) {
        const content = choice.delta.content;
        if (typeof content === "string" && content !== "") {
          if (openBlock?.kind !== "text") {
            events.push(...closeBlock());
            openBlock = { index: blockCount++, kind: "text" };
            events.push({
              type: "content_block_start",
              index: openBlock.index,
              content_block: { type: "text", text: "" },
            });
          }
          events.push({
            type: "content_block_delta",
            index: openBlock.index,
            delta: { type: "text_delta", text: content },
          });
        }
        for (const call of choice.delta.tool_calls ?? []) {
          if (!blockByTool.has(call.index)) {
            events.push(...closeBlock());
            openBlock = { index: blockCount++, kind: "tool", toolIndex: call.index };
            blockByTool.set(call.index, openBlock.index);
            events.push({
              type: "content_block_start",
              index: openBlock.index,
              content_block: {
                type: "tool_use",
                id: call.id ?? "",
                name: call.function.name ?? "",
                input: {},
              },
            });
          }
          const argumentsText = call.function.arguments;
          if (argumentsText !== undefined && argumentsText !== "") {
            events.push({
              type: "content_block_delta",
              index: blockByTool.get(call.index) ?? 0,
              delta: { type: "input_json_delta", partial_json: argumentsText },
            });
          }
        }
        if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
          stopReason = anthropicStopReason(choice.finish_reason);
          events.push(...closeBlock());
        }
      }
      if (chunk.choices.length === 0 && usage !== undefined && stopReason !== undefined)
        events.push(...end());
      return events;
    },
    finish(): AnthropicStreamEvent[] {
      return end();
    },
  };
}
