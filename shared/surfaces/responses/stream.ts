import type { OpenAIChatChunk, OpenAIFinishReason } from "../../translation/openai/chat-schema.ts";
import type { ResponsesRequest } from "./request.ts";
import {
  finalStatus,
  functionCallItemId,
  messageItemId,
  outputText,
  type ResponsesFunctionCallItem,
  type ResponsesIds,
  type ResponsesMessageItem,
  type ResponsesObject,
  type ResponsesOutputItem,
  responseEnvelope,
  toResponsesUsage,
} from "./response.ts";

/** One Responses streaming event (https://platform.openai.com/docs/api-reference/responses-streaming). */
export type ResponsesEvent = { type: string; sequence_number: number } & Record<string, unknown>;

export interface ResponsesEventStream {
  push(chunk: OpenAIChatChunk): ResponsesEvent[];
  /** The end of the provider stream: closes open items, then `response.completed` (or `.incomplete`). */
  finish(): ResponsesEvent[];
  /** A provider error mid-stream: the `error` event; nothing follows it. */
  error(code: string, message: string): ResponsesEvent[];
}

interface OpenItem {
  outputIndex: number;
  item: ResponsesOutputItem;
}

/**
 * Canonical chat chunks -> the Responses event sequence OpenAI sends: `response.created`,
 * `response.in_progress`, then per output item `output_item.added`, for a message `content_part.added`,
 * `output_text.delta`..., `output_text.done`, `content_part.done`, for a function call
 * `function_call_arguments.delta`..., `.done`, then `output_item.done`; last `response.completed` with
 * the whole response and its usage. One item is open at a time: a new one closes the previous.
 */
export function createResponsesEventStream(
  request: ResponsesRequest,
  ids: ResponsesIds,
  model: string,
): ResponsesEventStream {
  let sequence = 0;
  let response: ResponsesObject | null = null;
  let open: OpenItem | null = null;
  const toolItems = new Map<number, OpenItem>();
  let finishReason: OpenAIFinishReason | null = null;
  let messages = 0;
  let finished = false;

  const event = (type: string, fields: Record<string, unknown>): ResponsesEvent => ({
    type,
    sequence_number: sequence++,
    ...fields,
  });
  const snapshot = (value: unknown) => structuredClone(value);

  function start(created: number, events: ResponsesEvent[]): ResponsesObject {
    if (response !== null) return response;
    response = responseEnvelope(request, ids, model, created);
    events.push(event("response.created", { response: snapshot(response) }));
    events.push(event("response.in_progress", { response: snapshot(response) }));
    return response;
  }

  function openItem(current: ResponsesObject, item: ResponsesOutputItem, events: ResponsesEvent[]): OpenItem {
    close(events);
    const entry = { outputIndex: current.output.length, item };
    current.output.push(item);
    events.push(
      event("response.output_item.added", { output_index: entry.outputIndex, item: snapshot(item) }),
    );
    open = entry;
    return entry;
  }

  function close(events: ResponsesEvent[]): void {
    const entry = open;
    if (entry === null) return;
    open = null;
    const { item, outputIndex } = entry;
    item.status = "completed";
    if (item.type === "message") {
      const part = item.content[0];
      const text = part?.text ?? "";
      const where = { item_id: item.id, output_index: outputIndex, content_index: 0 };
      events.push(event("response.output_text.done", { ...where, text, logprobs: [] }));
      events.push(event("response.content_part.done", { ...where, part: snapshot(part) }));
    } else {
      events.push(
        event("response.function_call_arguments.done", {
          item_id: item.id,
          output_index: outputIndex,
          name: item.name,
          arguments: item.arguments,
        }),
      );
    }
    events.push(event("response.output_item.done", { output_index: outputIndex, item: snapshot(item) }));
  }

  function text(current: ResponsesObject, delta: string, events: ResponsesEvent[]): void {
    let entry: OpenItem | null = open;
    if (entry === null || entry.item.type !== "message") {
      const item: ResponsesMessageItem = {
        // Text after a function call opens a second message item; each needs its own id.
        id: messages++ === 0 ? messageItemId(ids) : `${messageItemId(ids)}_${messages - 1}`,
        type: "message",
        status: "in_progress",
        role: "assistant",
        content: [],
      };
      entry = openItem(current, item, events);
      const part = outputText("");
      item.content.push(part);
      events.push(
        event("response.content_part.added", {
          item_id: item.id,
          output_index: entry.outputIndex,
          content_index: 0,
          part: snapshot(part),
        }),
      );
    }
    const item = entry.item as ResponsesMessageItem;
    const part = item.content[0];
    if (part) part.text += delta;
    events.push(
      event("response.output_text.delta", {
        item_id: item.id,
        output_index: entry.outputIndex,
        content_index: 0,
        delta,
        logprobs: [],
      }),
    );
  }

  function toolCall(
    current: ResponsesObject,
    delta: NonNullable<OpenAIChatChunk["choices"][number]["delta"]["tool_calls"]>[number],
    events: ResponsesEvent[],
  ): void {
    let entry = toolItems.get(delta.index);
    if (entry === undefined) {
      const item: ResponsesFunctionCallItem = {
        id: functionCallItemId(ids, delta.index),
        type: "function_call",
        status: "in_progress",
        call_id: delta.id ?? `call_${ids.itemStem}_${delta.index}`,
        name: delta.function.name ?? "",
        arguments: "",
      };
      entry = openItem(current, item, events);
      toolItems.set(delta.index, entry);
    }
    const item = entry.item as ResponsesFunctionCallItem;
    if (delta.function.arguments === "") return;
    item.arguments += delta.function.arguments;
    events.push(
      event("response.function_call_arguments.delta", {
        item_id: item.id,
        output_index: entry.outputIndex,
        delta: delta.function.arguments,
      }),
    );
  }

  return {
    push(chunk) {
      const events: ResponsesEvent[] = [];
      if (finished) return events;
      const current = start(chunk.created, events);
      if (chunk.usage !== undefined) current.usage = toResponsesUsage(chunk.usage);
      for (const choice of chunk.choices) {
        if (choice.delta.content) text(current, choice.delta.content, events);
        for (const call of choice.delta.tool_calls ?? []) toolCall(current, call, events);
        if (choice.finish_reason !== null) finishReason = choice.finish_reason;
      }
      return events;
    },
    finish() {
      const events: ResponsesEvent[] = [];
      if (finished) return events;
      finished = true;
      const current = start(Math.floor(Date.now() / 1000), events);
      close(events);
      const { status, incomplete_details } = finalStatus(finishReason);
      Object.assign(current, { status, incomplete_details });
      if (status !== "completed") {
        for (const item of current.output) if (item.type === "message") item.status = "incomplete";
      }
      const type = status === "completed" ? "response.completed" : "response.incomplete";
      events.push(event(type, { response: snapshot(current) }));
      return events;
    },
    error(code, message) {
      if (finished) return [];
      finished = true;
      return [event("error", { code, message, param: null })];
    },
  };
}
