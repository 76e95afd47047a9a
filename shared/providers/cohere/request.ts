import { GatewayError } from "../../core/gateway-error.ts";
import { contentText, isSystemLike, refuseContentPart } from "../../translation/common/content.ts";
import { checkToolChoice, checkToolResults, refuseSerialToolCalls } from "../../translation/common/tools.ts";
import {
  COMMON_PARAMETERS,
  maxOutputTokens,
  refuseUnsupportedParameters,
  stopSequences,
} from "../../translation/common/unsupported-parameters.ts";
import type {
  OpenAIChatMessage,
  OpenAIChatRequest,
  OpenAIContentPart,
} from "../../translation/openai/chat-schema.ts";
import type { TranslatedRequest } from "../../translation/types.ts";

/**
 * OpenAI Chat Completions -> Cohere Chat v2 (`POST /v2/chat`, https://docs.cohere.com/reference/chat).
 * - system and developer messages, wherever they are, become ONE system message at the start, their texts
 *   joined by a blank line (Cohere: "system turn must be the first in the list");
 * - user content parts: text and image_url pass as Cohere's `text` / `image_url` parts (Cohere reads data
 *   URLs, and remote URLs where the model supports them);
 * - an assistant message with tool_calls carries its text as `tool_plan`, as Cohere writes it;
 * - tool results are `tool` messages with `tool_call_id`, as in OpenAI;
 * - tool_choice: auto -> omitted (Cohere's default), none -> NONE, required -> REQUIRED; a named function
 *   has no Cohere counterpart (400);
 * - json_object -> `{type: "json_object"}`, json_schema -> `{type: "json_object", json_schema}`;
 * - top_p -> `p`, stop -> `stop_sequences`, seed and the penalties pass by name;
 * - `user` and `parallel_tool_calls: false` have no counterpart (400).
 */
const PROVIDER = "cohere";
const SUPPORTED = new Set<string>([
  ...COMMON_PARAMETERS.filter((key) => key !== "user"),
  "seed",
  "frequency_penalty",
  "presence_penalty",
]);

type CohereMessage = Record<string, unknown>;

export function toCohereRequest(request: OpenAIChatRequest, model: string): TranslatedRequest {
  refuseUnsupportedParameters(request, SUPPORTED, PROVIDER);
  refuseSerialToolCalls(request, PROVIDER);
  checkToolResults(request);
  checkToolChoice(request);
  const system = request.messages.filter(isSystemLike).map((message) => contentText(message.content));
  const turns = request.messages.flatMap((message, index) =>
    isSystemLike(message) ? [] : [toCohereMessage(message, index)],
  );
  if (turns.length === 0) {
    throw GatewayError.badRequest("messages: at least one user or assistant message is required");
  }
  const messages = system.length > 0 ? [{ role: "system", content: system.join("\n\n") }, ...turns] : turns;
  const body: Record<string, unknown> = { model, messages };
  if (request.stream === true) body.stream = true;
  const maxTokens = maxOutputTokens(request);
  if (maxTokens !== undefined) body.max_tokens = maxTokens;
  const stop = stopSequences(request);
  if (stop !== undefined) body.stop_sequences = stop;
  if (request.temperature !== undefined && request.temperature !== null)
    body.temperature = request.temperature;
  if (request.top_p !== undefined && request.top_p !== null) body.p = request.top_p;
  for (const key of ["seed", "frequency_penalty", "presence_penalty"] as const) {
    const value = request[key];
    if (value !== undefined && value !== null) body[key] = value;
  }
  Object.assign(body, cohereTools(request));
  const format = request.response_format;
  if (format?.type === "json_object") body.response_format = { type: "json_object" };
  if (format?.type === "json_schema") {
    body.response_format = {
      type: "json_object",
      json_schema: format.json_schema.schema ?? { type: "object" },
    };
  }
  return { path: "v2/chat", body };
}

function toCohereMessage(message: OpenAIChatMessage, index: number): CohereMessage {
  switch (message.role) {
    case "user":
      return {
        role: "user",
        content:
          typeof message.content === "string" ? message.content : message.content.map(cohereContentPart),
      };
    case "assistant": {
      const text = contentText(message.content);
      const calls = message.tool_calls ?? [];
      if (calls.length === 0) {
        if (text === "") {
          throw GatewayError.badRequest(
            `messages[${index}]: an assistant message needs content or tool_calls`,
          );
        }
        return { role: "assistant", content: text };
      }
      return {
        role: "assistant",
        ...(text === "" ? {} : { tool_plan: text }),
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: "function",
          function: { name: call.function.name, arguments: call.function.arguments },
        })),
      };
    }
    case "tool":
      return { role: "tool", tool_call_id: message.tool_call_id, content: contentText(message.content) };
    default:
      throw GatewayError.badRequest(`messages[${index}]: unexpected role ${message.role}`);
  }
}

function cohereContentPart(part: OpenAIContentPart): Record<string, unknown> {
  if (part.type === "text") return { type: "text", text: part.text };
  if (part.type === "image_url") return { type: "image_url", image_url: { ...part.image_url } };
  return refuseContentPart(part, PROVIDER);
}

function cohereTools(request: OpenAIChatRequest): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const tools = request.tools ?? [];
  if (tools.length > 0) {
    result.tools = tools.map((tool) => ({
      type: "function",
      function: {
        name: tool.function.name,
        ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
        parameters: tool.function.parameters ?? { type: "object", properties: {} },
      },
    }));
  }
  const choice = request.tool_choice;
  if (typeof choice === "object") {
    throw GatewayError.badRequest(
      `tool_choice: provider cohere cannot force the function "${choice.function.name}"; it accepts "auto", "required" or "none"`,
    );
  }
  if (choice === "required") result.tool_choice = "REQUIRED";
  if (choice === "none" && tools.length > 0) result.tool_choice = "NONE";
  return result;
}
