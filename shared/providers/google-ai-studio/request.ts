import { GatewayError } from "../../core/gateway-error.ts";
import {
  contentParts,
  contentText,
  isSystemLike,
  mergeAdjacentTurns,
  refuseContentPart,
  requireDataUrl,
} from "../../translation/common/content.ts";
import { parseToolArguments } from "../../translation/common/json-values.ts";
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
import { toGeminiSchema } from "./tool-schema.ts";

const SUPPORTED = new Set<string>(COMMON_PARAMETERS.filter((key) => key !== "user"));

type Part = Record<string, unknown>;

/**
 * OpenAI Chat Completions -> Gemini generateContent / streamGenerateContent
 * (https://ai.google.dev/api/generate-content).
 * - system and developer messages -> `systemInstruction`; assistant -> role "model";
 * - a tool result -> a `functionResponse` part named after the earlier call with the same id
 *   (Gemini matches results by function name), wrapped as `{ content: text }`;
 * - json_object -> responseMimeType application/json; json_schema adds `responseSchema` (adapted);
 * - streaming always includes usageMetadata; `?alt=sse` makes the stream Server-Sent Events.
 * `provider` is the slug the caller used (google-ai-studio, or google-vertex-ai whose Gemini models take
 * the same body): refusals name it, so a Vertex caller is not told about a provider it never called.
 */
export function toGeminiRequest(
  request: OpenAIChatRequest,
  model: string,
  provider: string,
): TranslatedRequest {
  refuseUnsupportedParameters(request, SUPPORTED, provider);
  refuseSerialToolCalls(request, provider);
  checkToolChoice(request);
  checkToolResults(request);

  const turns = mergeAdjacentTurns(
    request.messages.flatMap((message, index) =>
      isSystemLike(message) ? [] : [toTurn(message, index, request.messages, provider)],
    ),
  );
  if (turns.length === 0) {
    throw GatewayError.badRequest("messages: at least one user or assistant message is required");
  }
  const body: Record<string, unknown> = {
    contents: turns.map((turn) => ({ role: turn.role, parts: turn.blocks })),
  };
  const system = request.messages
    .filter(isSystemLike)
    .map((message) => ({ text: contentText(message.content) }));
  if (system.length > 0) body.systemInstruction = { parts: system };

  const tools = request.tools ?? [];
  if (tools.length > 0) {
    body.tools = [
      {
        functionDeclarations: tools.map((tool, index) => ({
          name: tool.function.name,
          ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
          ...(tool.function.parameters === undefined
            ? {}
            : {
                parameters: toGeminiSchema(
                  tool.function.parameters,
                  `tools[${index}] "${tool.function.name}" parameters`,
                  provider,
                ),
              }),
        })),
      },
    ];
  }
  const choice = request.tool_choice;
  if (choice !== undefined && tools.length > 0) {
    const mode = choice === "auto" ? "AUTO" : choice === "none" ? "NONE" : "ANY";
    body.toolConfig = {
      functionCallingConfig:
        typeof choice === "object" ? { mode, allowedFunctionNames: [choice.function.name] } : { mode },
    };
  }

  const generation: Record<string, unknown> = {};
  const stop = stopSequences(request);
  if (stop !== undefined) generation.stopSequences = stop;
  if (request.temperature !== undefined && request.temperature !== null)
    generation.temperature = request.temperature;
  if (request.top_p !== undefined && request.top_p !== null) generation.topP = request.top_p;
  const maxTokens = maxOutputTokens(request);
  if (maxTokens !== undefined) generation.maxOutputTokens = maxTokens;
  const format = request.response_format;
  if (format?.type === "json_object" || format?.type === "json_schema") {
    generation.responseMimeType = "application/json";
  }
  if (format?.type === "json_schema" && format.json_schema.schema !== undefined) {
    generation.responseSchema = toGeminiSchema(
      format.json_schema.schema,
      "response_format.json_schema.schema",
      provider,
    );
  }
  if (Object.keys(generation).length > 0) body.generationConfig = generation;

  // Model ids are accepted with or without Gemini's own "models/" prefix.
  const modelId = encodeURIComponent(model.replace(/^models\//, ""));
  const path =
    request.stream === true
      ? `v1beta/models/${modelId}:streamGenerateContent?alt=sse`
      : `v1beta/models/${modelId}:generateContent`;
  return { path, body };
}

function toTurn(
  message: OpenAIChatMessage,
  index: number,
  messages: OpenAIChatMessage[],
  provider: string,
): { role: "user" | "model"; blocks: Part[] } {
  switch (message.role) {
    case "user":
      return {
        role: "user",
        blocks: contentParts(message.content).map((part) => geminiPart(part, provider)),
      };
    case "assistant": {
      const text = contentText(message.content);
      const parts: Part[] = text === "" ? [] : [{ text }];
      for (const call of message.tool_calls ?? []) {
        parts.push({
          functionCall: {
            name: call.function.name,
            args: parseToolArguments(call.function.arguments, call.function.name),
          },
        });
      }
      if (parts.length === 0) {
        throw GatewayError.badRequest(`messages[${index}]: an assistant message needs content or tool_calls`);
      }
      return { role: "model", blocks: parts };
    }
    case "tool": {
      const name = functionNameOf(message.tool_call_id, messages, index);
      return {
        role: "user",
        blocks: [{ functionResponse: { name, response: { content: contentText(message.content) } } }],
      };
    }
    default:
      throw GatewayError.badRequest(`messages[${index}]: unexpected role ${message.role}`);
  }
}

/** Gemini identifies a function result by the function's name: find the call the result answers. */
function functionNameOf(toolCallId: string, messages: OpenAIChatMessage[], index: number): string {
  for (let position = index - 1; position >= 0; position -= 1) {
    const candidate = messages[position];
    if (candidate?.role !== "assistant") continue;
    const call = candidate.tool_calls?.find((toolCall) => toolCall.id === toolCallId);
    if (call !== undefined) return call.function.name;
  }
  throw GatewayError.badRequest(
    `messages[${index}]: tool_call_id "${toolCallId}" answers no earlier tool call`,
  );
}

function geminiPart(part: OpenAIContentPart, provider: string): Part {
  if (part.type === "text") return { text: part.text };
  if (part.type !== "image_url") return refuseContentPart(part, provider);
  const data = requireDataUrl(part.image_url.url, provider);
  return { inlineData: { mimeType: data.mediaType, data: data.base64 } };
}
