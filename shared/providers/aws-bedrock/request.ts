import { GatewayError } from "../../core/gateway-error.ts";
import {
  contentParts,
  contentText,
  isSystemLike,
  mergeAdjacentTurns,
  refuseContentPart,
  requireDataUrl,
} from "../../translation/common/content.ts";
import { JSON_MODE_INSTRUCTION } from "../../translation/common/json-mode.ts";
import { parseToolArguments } from "../../translation/common/json-values.ts";
import {
  checkToolChoice,
  checkToolResults,
  historyHasTools,
  refuseSerialToolCalls,
} from "../../translation/common/tools.ts";
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
 * OpenAI Chat Completions -> Bedrock Converse / ConverseStream
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html).
 * - Converse requires alternating roles: consecutive turns of one role are merged;
 * - blobs (image bytes) travel base64-encoded in the JSON protocol;
 * - Converse has no `user`, no schema-less JSON mode and no switch for parallel tool calls: refused;
 * - json_schema -> `outputConfig.textFormat` (structured outputs), whose schema travels as a JSON string
 *   (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_JsonSchemaDefinition.html);
 * - tool_choice "none" has no counterpart: the tools are left out, which Converse refuses only when the
 *   history already holds tool blocks (then it is a 400 here).
 */
const PROVIDER = "aws-bedrock";
const SUPPORTED = new Set<string>(COMMON_PARAMETERS.filter((key) => key !== "user"));
const IMAGE_FORMATS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/jpg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
};

type Block = Record<string, unknown>;

export function toBedrockConverseRequest(request: OpenAIChatRequest, model: string): TranslatedRequest {
  refuseUnsupportedParameters(request, SUPPORTED, PROVIDER);
  refuseSerialToolCalls(request, PROVIDER);
  checkToolChoice(request);
  checkToolResults(request);

  const turns = mergeAdjacentTurns(
    request.messages.flatMap((message, index) => (isSystemLike(message) ? [] : [toTurn(message, index)])),
  );
  if (turns.length === 0) {
    throw GatewayError.badRequest("messages: at least one user or assistant message is required");
  }
  const body: Record<string, unknown> = {
    messages: turns.map((turn) => ({ role: turn.role, content: turn.blocks })),
  };
  const system = request.messages
    .filter(isSystemLike)
    .map((message) => ({ text: contentText(message.content) }));
  // Converse has no schema-less JSON mode: json_object is asked for in the system prompt.
  if (request.response_format?.type === "json_object") system.push({ text: JSON_MODE_INSTRUCTION });
  if (system.length > 0) body.system = system;

  const inference: Record<string, unknown> = {};
  const maxTokens = maxOutputTokens(request);
  if (maxTokens !== undefined) inference.maxTokens = maxTokens;
  if (request.temperature !== undefined && request.temperature !== null)
    inference.temperature = request.temperature;
  if (request.top_p !== undefined && request.top_p !== null) inference.topP = request.top_p;
  const stop = stopSequences(request);
  if (stop !== undefined) inference.stopSequences = stop;
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;

  const outputConfig = bedrockOutputConfig(request);
  if (outputConfig !== undefined) body.outputConfig = outputConfig;

  const toolConfig = bedrockToolConfig(request);
  if (toolConfig !== undefined) body.toolConfig = toolConfig;

  const operation = request.stream === true ? "converse-stream" : "converse";
  return { path: `model/${encodeURIComponent(model)}/${operation}`, body };
}

function toTurn(message: OpenAIChatMessage, index: number): { role: "user" | "assistant"; blocks: Block[] } {
  switch (message.role) {
    case "user":
      return { role: "user", blocks: contentParts(message.content).map(bedrockContentBlock) };
    case "assistant": {
      const text = contentText(message.content);
      const blocks: Block[] = text === "" ? [] : [{ text }];
      for (const call of message.tool_calls ?? []) {
        blocks.push({
          toolUse: {
            toolUseId: call.id,
            name: call.function.name,
            input: parseToolArguments(call.function.arguments, call.function.name),
          },
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
          {
            toolResult: {
              toolUseId: message.tool_call_id,
              content: [{ text: contentText(message.content) }],
            },
          },
        ],
      };
    default:
      throw GatewayError.badRequest(`messages[${index}]: unexpected role ${message.role}`);
  }
}

function bedrockContentBlock(part: OpenAIContentPart): Block {
  if (part.type === "text") return { text: part.text };
  if (part.type !== "image_url") return refuseContentPart(part, PROVIDER);
  const data = requireDataUrl(part.image_url.url, PROVIDER);
  const format = IMAGE_FORMATS[data.mediaType];
  if (format === undefined) {
    throw GatewayError.badRequest(
      `image_url: provider ${PROVIDER} accepts png, jpeg, gif and webp images, not ${data.mediaType}`,
    );
  }
  return { image: { format, source: { bytes: data.base64 } } };
}

function bedrockToolConfig(request: OpenAIChatRequest): Record<string, unknown> | undefined {
  const tools = request.tools ?? [];
  const choice = request.tool_choice;
  if (tools.length === 0) return undefined;
  if (choice === "none") {
    if (historyHasTools(request)) {
      throw GatewayError.badRequest(
        `tool_choice: "none" is not supported by provider ${PROVIDER} once the conversation holds tool calls`,
      );
    }
    return undefined;
  }
  const config: Record<string, unknown> = {
    tools: tools.map((tool) => ({
      toolSpec: {
        name: tool.function.name,
        ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
        inputSchema: { json: tool.function.parameters ?? { type: "object", properties: {} } },
      },
    })),
  };
  if (choice === "auto") config.toolChoice = { auto: {} };
  else if (choice === "required") config.toolChoice = { any: {} };
  else if (choice !== undefined) config.toolChoice = { tool: { name: choice.function.name } };
  return config;
}

function bedrockOutputConfig(request: OpenAIChatRequest): Record<string, unknown> | undefined {
  const format = request.response_format;
  if (format === undefined || format.type !== "json_schema") return undefined;
  const { name, description, schema } = format.json_schema;
  return {
    textFormat: {
      type: "json_schema",
      structure: {
        jsonSchema: {
          schema: JSON.stringify(schema ?? { type: "object" }),
          name,
          ...(description === undefined ? {} : { description }),
        },
      },
    },
  };
}
