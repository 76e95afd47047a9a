import { GatewayError } from "../../core/gateway-error.ts";
import {
  contentParts,
  contentText,
  isHttpUrl,
  isSystemLike,
  mergeAdjacentTurns,
  parseDataUrl,
  refuseContentPart,
} from "../../translation/common/content.ts";
import { JSON_MODE_INSTRUCTION } from "../../translation/common/json-mode.ts";
import { parseToolArguments } from "../../translation/common/json-values.ts";
import { checkToolChoice, checkToolResults } from "../../translation/common/tools.ts";
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
 * OpenAI Chat Completions -> Anthropic Messages (https://docs.anthropic.com/en/api/messages).
 * - system and developer messages, wherever they are, become `system` in their order;
 * - tool results become `tool_result` blocks of a user turn, results of parallel calls in one turn;
 * - `max_tokens` is required by Anthropic: DEFAULT_MAX_TOKENS when the caller sets neither limit;
 * - json_schema -> `output_config.format` (structured outputs); json_object, which Anthropic has no mode
 *   for, adds JSON_MODE_INSTRUCTION to `system`.
 */
export const ANTHROPIC_VERSION = "2023-06-01";
export const DEFAULT_MAX_TOKENS = 4096;
const PROVIDER = "anthropic";
const SUPPORTED = new Set<string>(COMMON_PARAMETERS);

export type AnthropicBlock = Record<string, unknown>;
interface AnthropicTurn {
  role: "user" | "assistant";
  blocks: AnthropicBlock[];
}

export function toAnthropicRequest(request: OpenAIChatRequest, model: string): TranslatedRequest {
  refuseUnsupportedParameters(request, SUPPORTED, PROVIDER);
  checkToolResults(request);
  const system = request.messages.filter(isSystemLike).map((message) => contentText(message.content));
  if (request.response_format?.type === "json_object") system.push(JSON_MODE_INSTRUCTION);
  const turns = mergeAdjacentTurns(
    request.messages.flatMap((message, index) => (isSystemLike(message) ? [] : [toTurn(message, index)])),
  );
  if (turns.length === 0) {
    throw GatewayError.badRequest("messages: at least one user or assistant message is required");
  }
  const body: Record<string, unknown> = {
    model,
    max_tokens: maxOutputTokens(request) ?? DEFAULT_MAX_TOKENS,
    messages: turns.map((turn) => ({ role: turn.role, content: compactContent(turn.blocks) })),
  };
  if (system.length === 1) body.system = system[0];
  if (system.length > 1) body.system = system.map((text) => ({ type: "text", text }));
  const stop = stopSequences(request);
  if (stop !== undefined) body.stop_sequences = stop;
  if (request.temperature !== undefined && request.temperature !== null) {
    // Anthropic's range is 0..1, OpenAI's 0..2: a value past 1 would be refused upstream with a vaguer message.
    if (request.temperature > 1) {
      throw GatewayError.badRequest("temperature: provider anthropic accepts values from 0 to 1");
    }
    body.temperature = request.temperature;
  }
  if (request.top_p !== undefined && request.top_p !== null) body.top_p = request.top_p;
  if (request.stream === true) body.stream = true;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  Object.assign(body, anthropicTools(request));
  const format = request.response_format;
  if (format?.type === "json_schema") {
    body.output_config = {
      format: { type: "json_schema", schema: format.json_schema.schema ?? { type: "object" } },
    };
  }
  return { path: "v1/messages", body, headers: { "anthropic-version": ANTHROPIC_VERSION } };
}

function compactContent(blocks: AnthropicBlock[]): string | AnthropicBlock[] {
  const only = blocks[0];
  return blocks.length === 1 && only?.type === "text" ? (only.text as string) : blocks;
}

function toTurn(message: OpenAIChatMessage, index: number): AnthropicTurn {
  switch (message.role) {
    case "user":
      return { role: "user", blocks: contentParts(message.content).map(anthropicContentBlock) };
    case "assistant": {
      const text = contentText(message.content);
      const blocks: AnthropicBlock[] = text === "" ? [] : [{ type: "text", text }];
      for (const call of message.tool_calls ?? []) {
        blocks.push({
          type: "tool_use",
          id: call.id,
          name: call.function.name,
          input: parseToolArguments(call.function.arguments, call.function.name),
        });
      }
      if (blocks.length === 0) {
        throw GatewayError.badRequest(`messages[${index}]: an assistant message needs content or tool_calls`);
      }
      return { role: "assistant", blocks };
    }
    case "tool":
      return {
        role: "user",
        blocks: [
          { type: "tool_result", tool_use_id: message.tool_call_id, content: contentText(message.content) },
        ],
      };
    default:
      throw GatewayError.badRequest(`messages[${index}]: unexpected role ${message.role}`);
  }
}

export function anthropicContentBlock(part: OpenAIContentPart): AnthropicBlock {
  if (part.type === "text") return { type: "text", text: part.text };
  if (part.type !== "image_url") return refuseContentPart(part, PROVIDER);
  const url = part.image_url.url;
  const data = parseDataUrl(url);
  if (data !== undefined) {
    return { type: "image", source: { type: "base64", media_type: data.mediaType, data: data.base64 } };
  }
  // Anthropic fetches http(s) images itself (https://docs.anthropic.com/en/docs/build-with-claude/vision).
  if (isHttpUrl(url)) return { type: "image", source: { type: "url", url } };
  throw GatewayError.badRequest("image_url: expected a data URL or an http(s) URL");
}

function anthropicTools(request: OpenAIChatRequest): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const tools = request.tools ?? [];
  if (tools.length > 0) {
    result.tools = tools.map((tool) => ({
      name: tool.function.name,
      ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
      input_schema: tool.function.parameters ?? { type: "object", properties: {} },
    }));
  }
  const choice = request.tool_choice;
  let toolChoice: Record<string, unknown> | undefined;
  if (choice === "auto") toolChoice = { type: "auto" };
  else if (choice === "none") toolChoice = { type: "none" };
  else if (choice === "required") toolChoice = { type: "any" };
  else if (choice !== undefined) toolChoice = { type: "tool", name: choice.function.name };
  checkToolChoice(request);
  // parallel_tool_calls: false is Anthropic's disable_parallel_tool_use on the tool choice.
  if (request.parallel_tool_calls === false && tools.length > 0 && choice !== "none") {
    toolChoice = { ...(toolChoice ?? { type: "auto" }), disable_parallel_tool_use: true };
  }
  if (toolChoice !== undefined) result.tool_choice = toolChoice;
  return result;
}
