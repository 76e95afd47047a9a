import type {
  OpenAIChatCompletion,
  OpenAIFinishReason,
  OpenAIUsage,
} from "../../translation/openai/chat-schema.ts";
import type { ResponsesRequest } from "./request.ts";

/**
 * A canonical chat completion -> a Responses API response object
 * (https://platform.openai.com/docs/api-reference/responses/object). The request's settings are echoed as
 * OpenAI echoes them; `store` is always false (the bridge keeps nothing, so the id cannot be retrieved).
 */
export interface ResponsesOutputText {
  type: "output_text";
  text: string;
  annotations: never[];
  logprobs: never[];
}

export interface ResponsesMessageItem {
  id: string;
  type: "message";
  status: "in_progress" | "completed" | "incomplete";
  role: "assistant";
  content: ResponsesOutputText[];
}

export interface ResponsesFunctionCallItem {
  id: string;
  type: "function_call";
  status: "in_progress" | "completed" | "incomplete";
  call_id: string;
  name: string;
  arguments: string;
}

export type ResponsesOutputItem = ResponsesMessageItem | ResponsesFunctionCallItem;

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponsesStatus = "in_progress" | "completed" | "incomplete" | "failed";

export interface ResponsesObject {
  id: string;
  object: "response";
  created_at: number;
  status: ResponsesStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: ResponsesOutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: null;
  reasoning: { effort: null; summary: null };
  store: false;
  temperature: number | null;
  text: { format: NonNullable<NonNullable<ResponsesRequest["text"]>["format"]> };
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: "disabled";
  usage: ResponsesUsage | null;
  user: string | null;
  metadata: Record<string, string>;
}

/** Ids the caller fixes: the response id (`resp_...`) and the stem of its item ids. */
export interface ResponsesIds {
  responseId: string;
  itemStem: string;
}

export function responsesIds(requestId: string): ResponsesIds {
  const hex = requestId.replaceAll("-", "");
  return { responseId: `resp_${hex}`, itemStem: hex };
}

export const messageItemId = (ids: ResponsesIds) => `msg_${ids.itemStem}`;
export const functionCallItemId = (ids: ResponsesIds, index: number) => `fc_${ids.itemStem}_${index}`;

/** The response object before any output: what `response.created` carries, and the frame of the final one. */
export function responseEnvelope(
  request: ResponsesRequest,
  ids: ResponsesIds,
  model: string,
  createdAt: number,
): ResponsesObject {
  return {
    id: ids.responseId,
    object: "response",
    created_at: createdAt,
    status: "in_progress",
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model,
    output: [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: request.temperature ?? null,
    text: { format: request.text?.format ?? { type: "text" } },
    tool_choice: request.tool_choice ?? "auto",
    tools: request.tools ?? [],
    top_p: request.top_p ?? null,
    truncation: "disabled",
    usage: null,
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  };
}

/** Finish reason -> the response's final status and, when incomplete, why. */
export function finalStatus(
  reason: OpenAIFinishReason | null,
): Pick<ResponsesObject, "status" | "incomplete_details"> {
  switch (reason) {
    case "length":
      return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
    case "content_filter":
      return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
    default:
      return { status: "completed", incomplete_details: null };
  }
}

/** Chat usage -> Responses usage: `input_tokens` includes cached tokens, as `prompt_tokens` does. */
export function toResponsesUsage(usage: OpenAIUsage): ResponsesUsage {
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.total_tokens,
  };
}

export function outputText(text: string): ResponsesOutputText {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

export function chatCompletionToResponse(
  completion: OpenAIChatCompletion,
  request: ResponsesRequest,
  ids: ResponsesIds,
): ResponsesObject {
  const choice = completion.choices[0];
  const { status, incomplete_details } = finalStatus(choice?.finish_reason ?? null);
  const itemStatus = status === "completed" ? "completed" : "incomplete";
  const output: ResponsesOutputItem[] = [];
  const text = choice?.message.content;
  if (typeof text === "string" && text !== "") {
    output.push({
      id: messageItemId(ids),
      type: "message",
      status: itemStatus,
      role: "assistant",
      content: [outputText(text)],
    });
  }
  for (const [index, call] of (choice?.message.tool_calls ?? []).entries()) {
    output.push({
      id: functionCallItemId(ids, index),
      type: "function_call",
      status: "completed",
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
    });
  }
  return {
    ...responseEnvelope(request, ids, completion.model, completion.created),
    status,
    incomplete_details,
    output,
    usage: completion.usage === undefined ? null : toResponsesUsage(completion.usage),
  };
}
