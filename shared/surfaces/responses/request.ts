import { z } from "zod";
import { GatewayError } from "../../core/gateway-error.ts";
import type {
  OpenAIChatMessage,
  OpenAIChatRequest,
  OpenAIContentPart,
  OpenAIFunctionTool,
  OpenAIToolChoice,
} from "../../translation/openai/chat-schema.ts";

/**
 * The OpenAI Responses API (https://platform.openai.com/docs/api-reference/responses/create) bridged to
 * the canonical Chat Completions request, for every provider that is not OpenAI itself. The bridge is
 * stateless: what needs a stored response (previous_response_id, store: true, conversation, background)
 * and what has no chat counterpart (built-in tools, reasoning, include, ...) is a 400 naming the field.
 */
const inputText = z.object({ type: z.literal("input_text"), text: z.string() });
const inputImage = z.looseObject({
  type: z.literal("input_image"),
  image_url: z.string().nullable().optional(),
  file_id: z.string().nullable().optional(),
  detail: z.string().optional(),
});
const inputFile = z.looseObject({ type: z.literal("input_file") });
const outputText = z.looseObject({ type: z.literal("output_text"), text: z.string() });
const refusal = z.looseObject({ type: z.literal("refusal"), refusal: z.string() });
const contentPart = z.discriminatedUnion("type", [inputText, inputImage, inputFile, outputText, refusal]);

const messageItem = z.looseObject({
  type: z.literal("message").optional(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string(), z.array(contentPart)]),
});
const functionCallItem = z.looseObject({
  type: z.literal("function_call"),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});
const functionCallOutputItem = z.looseObject({
  type: z.literal("function_call_output"),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(z.union([inputText, inputImage, inputFile]))]),
});

const functionTool = z.looseObject({
  type: z.literal("function"),
  name: z.string().min(1),
  description: z.string().nullable().optional(),
  parameters: z.record(z.string(), z.unknown()).nullable().optional(),
  strict: z.boolean().nullable().optional(),
});

const textFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    name: z.string().min(1),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().optional(),
    strict: z.boolean().nullable().optional(),
  }),
]);

export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.record(z.string(), z.unknown()))]),
  instructions: z.string().nullable().optional(),
  tools: z.array(z.looseObject({ type: z.string() })).optional(),
  tool_choice: z
    .union([
      z.enum(["none", "auto", "required"]),
      z.looseObject({ type: z.string(), name: z.string().optional() }),
    ])
    .optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  max_output_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  text: z
    .object({ format: textFormat.optional(), verbosity: z.string().nullable().optional() })
    .nullable()
    .optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.record(z.string(), z.unknown()).nullable().optional(),
  store: z.boolean().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  user: z.string().optional(),
  truncation: z.enum(["auto", "disabled"]).nullable().optional(),
  include: z.array(z.string()).nullable().optional(),
});

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type ResponsesFunctionTool = z.infer<typeof functionTool>;

/** Fields the bridge honours (or that ask for nothing, see `isNeutral`). Anything else is refused. */
const BRIDGED = new Set([
  "model",
  "input",
  "instructions",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "max_output_tokens",
  "temperature",
  "top_p",
  "text",
  "stream",
  "stream_options",
  "store",
  "metadata",
  "user",
  "truncation",
  "include",
]);

/** Values that ask for nothing the bridge would have to do. */
function isNeutral(key: string, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  switch (key) {
    case "store":
    case "background":
      return value === false;
    case "truncation":
      return value === "disabled";
    case "include":
      return Array.isArray(value) && value.length === 0;
    case "service_tier":
      return value === "auto";
    default:
      return false;
  }
}

/** Parses a Responses request; a malformed body is a 400 naming the first bad field. */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  const result = responsesRequestSchema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? "body" : issue.path.join(".");
  throw GatewayError.badRequest(`Invalid Responses request at ${where}: ${issue?.message ?? "invalid"}`);
}

/**
 * Refuses, by name, every top-level field the bridge cannot honour (present with a meaningful value), and
 * the meaningful values of bridged fields it cannot honour either (store: true, truncation: auto, ...).
 */
export function refuseUnbridgedParameters(body: Record<string, unknown>, provider: string): void {
  const refused = Object.entries(body)
    .filter(([key, value]) => !isNeutral(key, value) && (!BRIDGED.has(key) || isRefusedValue(key, value)))
    .map(([key]) => key);
  if (refused.length > 0) {
    throw GatewayError.badRequest(
      `Unsupported Responses parameter${refused.length > 1 ? "s" : ""} for provider ${provider}: ${refused.join(", ")} (the gateway bridges the Responses API statelessly for non-OpenAI models; see docs/unified-api.md)`,
    );
  }
}

function isRefusedValue(key: string, value: unknown): boolean {
  switch (key) {
    case "store":
      return value === true;
    case "truncation":
      return value === "auto";
    case "include":
      return Array.isArray(value) && value.length > 0;
    case "text":
      return typeof value === "object" && value !== null && "verbosity" in value && value.verbosity != null;
    default:
      return false;
  }
}

/** The canonical chat request for a Responses request; 400 naming anything that cannot be bridged. */
export function responsesToChatRequest(request: ResponsesRequest, provider: string): OpenAIChatRequest {
  refuseUnbridgedParameters(request, provider);
  const messages: OpenAIChatMessage[] = [];
  if (request.instructions) messages.push({ role: "system", content: request.instructions });
  if (typeof request.input === "string") messages.push({ role: "user", content: request.input });
  else for (const [index, item] of request.input.entries()) appendItem(messages, item, index);
  if (messages.length === 0)
    throw GatewayError.badRequest("Invalid Responses request at input: no input items");

  const chat: OpenAIChatRequest = { model: request.model, messages };
  const tools = request.tools?.map((tool, index) => toChatTool(tool, index));
  if (tools !== undefined && tools.length > 0) chat.tools = tools;
  if (request.tool_choice !== undefined) chat.tool_choice = toChatToolChoice(request.tool_choice);
  if (typeof request.parallel_tool_calls === "boolean")
    chat.parallel_tool_calls = request.parallel_tool_calls;
  if (request.max_output_tokens != null) chat.max_tokens = request.max_output_tokens;
  if (request.temperature != null) chat.temperature = request.temperature;
  if (request.top_p != null) chat.top_p = request.top_p;
  if (request.user !== undefined) chat.user = request.user;
  const format = request.text?.format;
  if (format?.type === "json_object") chat.response_format = { type: "json_object" };
  if (format?.type === "json_schema") {
    chat.response_format = {
      type: "json_schema",
      json_schema: {
        name: format.name,
        schema: format.schema,
        ...(format.description === undefined ? {} : { description: format.description }),
        ...(format.strict == null ? {} : { strict: format.strict }),
      },
    };
  }
  if (request.stream === true) chat.stream = true;
  return chat;
}

function appendItem(messages: OpenAIChatMessage[], raw: Record<string, unknown>, index: number): void {
  const where = `input[${index}]`;
  const type = raw.type ?? "message";
  switch (type) {
    case "message": {
      const item = parseItem(messageItem, raw, where);
      messages.push(toChatMessage(item, where));
      return;
    }
    case "function_call": {
      const item = parseItem(functionCallItem, raw, where);
      const call = {
        id: item.call_id,
        type: "function" as const,
        function: { name: item.name, arguments: item.arguments },
      };
      // Parallel calls are consecutive items; chat wants them on one assistant message.
      const last = messages.at(-1);
      if (last?.role === "assistant") last.tool_calls = [...(last.tool_calls ?? []), call];
      else messages.push({ role: "assistant", content: null, tool_calls: [call] });
      return;
    }
    case "function_call_output": {
      const item = parseItem(functionCallOutputItem, raw, where);
      const content =
        typeof item.output === "string"
          ? item.output
          : item.output.map((part, partIndex) => {
              if (part.type !== "input_text") {
                throw GatewayError.badRequest(
                  `Unsupported content in ${where}.output[${partIndex}]: ${part.type} (function outputs are bridged as text only)`,
                );
              }
              return { type: "text" as const, text: part.text };
            });
      messages.push({ role: "tool", tool_call_id: item.call_id, content });
      return;
    }
    default:
      throw GatewayError.badRequest(
        `Unsupported input item type at ${where}: ${String(type).slice(0, 60)} (the bridge takes message, function_call and function_call_output items)`,
      );
  }
}

function parseItem<T extends z.ZodType>(schema: T, raw: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue === undefined || issue.path.length === 0 ? "" : `.${issue.path.join(".")}`;
  throw GatewayError.badRequest(
    `Invalid Responses request at ${where}${path}: ${issue?.message ?? "invalid"}`,
  );
}

function toChatMessage(item: z.infer<typeof messageItem>, where: string): OpenAIChatMessage {
  if (item.role === "assistant") {
    if (typeof item.content === "string") return { role: "assistant", content: item.content };
    const text = item.content.map((part, partIndex) => {
      if (part.type === "output_text" || part.type === "input_text") return part.text;
      if (part.type === "refusal") return part.refusal;
      throw unsupportedPart(where, partIndex, part.type);
    });
    return { role: "assistant", content: text.join("") };
  }
  if (typeof item.content === "string") return { role: item.role, content: item.content };
  const parts = item.content.map((part, partIndex) => toChatPart(part, where, partIndex));
  if (item.role === "user") return { role: "user", content: parts };
  const texts = parts.map((part, partIndex) => {
    if (part.type !== "text") throw unsupportedPart(where, partIndex, part.type);
    return part;
  });
  return { role: item.role, content: texts };
}

function toChatPart(part: z.infer<typeof contentPart>, where: string, partIndex: number): OpenAIContentPart {
  switch (part.type) {
    case "input_text":
    case "output_text":
      return { type: "text", text: part.text };
    case "input_image": {
      if (!part.image_url) {
        throw GatewayError.badRequest(
          `Unsupported content in ${where}.content[${partIndex}]: input_image by file_id (send an image_url: a data URL or, for Anthropic, an http(s) URL)`,
        );
      }
      const detail = part.detail === "low" || part.detail === "high" ? part.detail : "auto";
      return { type: "image_url", image_url: { url: part.image_url, detail } };
    }
    default:
      throw unsupportedPart(where, partIndex, part.type);
  }
}

function unsupportedPart(where: string, partIndex: number, type: string): GatewayError {
  return GatewayError.badRequest(`Unsupported content in ${where}.content[${partIndex}]: ${type}`);
}

function toChatTool(raw: Record<string, unknown>, index: number): OpenAIFunctionTool {
  if (raw.type !== "function") {
    throw GatewayError.badRequest(
      `Unsupported tool at tools[${index}]: type ${String(raw.type).slice(0, 60)} (built-in tools run only on OpenAI; the bridge takes function tools)`,
    );
  }
  const tool = parseItem(functionTool, raw, `tools[${index}]`);
  return {
    type: "function",
    function: {
      name: tool.name,
      ...(tool.description == null ? {} : { description: tool.description }),
      ...(tool.parameters == null ? {} : { parameters: tool.parameters }),
      ...(tool.strict == null ? {} : { strict: tool.strict }),
    },
  };
}

function toChatToolChoice(choice: NonNullable<ResponsesRequest["tool_choice"]>): OpenAIToolChoice {
  if (typeof choice === "string") return choice;
  if (choice.type === "function" && typeof choice.name === "string" && choice.name !== "") {
    return { type: "function", function: { name: choice.name } };
  }
  throw GatewayError.badRequest(
    `Unsupported tool_choice: type ${String(choice.type).slice(0, 60)} (the bridge takes none, auto, required or a function)`,
  );
}
