import { z } from "zod";
import { GatewayError } from "../../core/gateway-error.ts";
import type {
  OpenAIChatMessage,
  OpenAIChatRequest,
  OpenAIContentPart,
} from "../../translation/openai/chat-schema.ts";

/**
 * The Anthropic surface (`/ai/v1/messages` with any model): an Anthropic Messages request
 * (https://docs.anthropic.com/en/api/messages) -> the canonical OpenAI request. Fields with no canonical
 * counterpart (top_k, thinking, server tools, documents, cache_control is tolerated) are refused by name.
 * Thinking blocks in the assistant history are the model's own and are left out.
 */
const textBlock = z.looseObject({ type: z.literal("text"), text: z.string() });
const imageBlock = z.looseObject({
  type: z.literal("image"),
  source: z.union([
    z.object({ type: z.literal("base64"), media_type: z.string(), data: z.string() }),
    z.object({ type: z.literal("url"), url: z.string() }),
  ]),
});
const toolUseBlock = z.looseObject({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
});
const toolResultBlock = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.union([textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
});
const thinkingBlock = z.looseObject({ type: z.enum(["thinking", "redacted_thinking"]) });
const block = z.discriminatedUnion("type", [
  textBlock,
  imageBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
]);

export const anthropicMessagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z
    .array(z.object({ role: z.enum(["user", "assistant"]), content: z.union([z.string(), z.array(block)]) }))
    .min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  stream: z.boolean().optional(),
  metadata: z.object({ user_id: z.string().nullable().optional() }).optional(),
  tools: z
    .array(
      z.looseObject({
        type: z.literal("custom").optional(),
        name: z.string().min(1),
        description: z.string().optional(),
        input_schema: z.record(z.string(), z.unknown()),
      }),
    )
    .optional(),
  tool_choice: z
    .discriminatedUnion("type", [
      z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
      z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
      z.object({
        type: z.literal("tool"),
        name: z.string(),
        disable_parallel_tool_use: z.boolean().optional(),
      }),
      z.object({ type: z.literal("none") }),
    ])
    .optional(),
  output_config: z
    .object({
      format: z.object({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) }),
    })
    .optional(),
});

export type AnthropicMessagesRequest = z.infer<typeof anthropicMessagesRequestSchema>;
const KNOWN = new Set(Object.keys(anthropicMessagesRequestSchema.shape));
type Block = z.infer<typeof block>;

export function anthropicSurfaceToChatRequest(body: unknown): OpenAIChatRequest {
  const parsed = anthropicMessagesRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? "body" : issue.path.join(".");
    throw GatewayError.badRequest(`Invalid messages request at ${where}: ${issue?.message ?? "invalid"}`);
  }
  const request = parsed.data;
  const unknown = Object.keys(request).filter((key) => !KNOWN.has(key) && request[key] !== undefined);
  if (unknown.length > 0) {
    throw GatewayError.badRequest(`Unsupported parameter for this model: ${unknown.join(", ")}`);
  }
  const messages: OpenAIChatMessage[] = [];
  if (request.system !== undefined) {
    const system =
      typeof request.system === "string"
        ? request.system
        : request.system.map((entry) => entry.text).join("\n");
    messages.push({ role: "system", content: system });
  }
  for (const message of request.messages) messages.push(...toChatMessages(message.role, message.content));

  const result: OpenAIChatRequest = { model: request.model, messages, max_tokens: request.max_tokens };
  if (request.stop_sequences !== undefined) result.stop = request.stop_sequences;
  if (request.temperature !== undefined) result.temperature = request.temperature;
  if (request.top_p !== undefined) result.top_p = request.top_p;
  if (request.stream === true) result.stream = true;
  if (typeof request.metadata?.user_id === "string") result.user = request.metadata.user_id;
  if (request.tools !== undefined && request.tools.length > 0) {
    result.tools = request.tools.map((tool) => ({
      type: "function",
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.input_schema,
      },
    }));
  }
  const choice = request.tool_choice;
  if (choice !== undefined) {
    if (choice.type === "auto") result.tool_choice = "auto";
    else if (choice.type === "any") result.tool_choice = "required";
    else if (choice.type === "none") result.tool_choice = "none";
    else result.tool_choice = { type: "function", function: { name: choice.name } };
    if (choice.type !== "none" && choice.disable_parallel_tool_use === true)
      result.parallel_tool_calls = false;
  }
  if (request.output_config !== undefined) {
    result.response_format = {
      type: "json_schema",
      json_schema: { name: "response", schema: request.output_config.format.schema, strict: true },
    };
  }
  return result;
}

function toChatMessages(role: "user" | "assistant", content: string | Block[]): OpenAIChatMessage[] {
  if (typeof content === "string") return [{ role, content }];
  if (role === "assistant") {
    const text = content.flatMap((entry) => (entry.type === "text" ? [entry.text] : [])).join("");
    const toolCalls = content.flatMap((entry) =>
      entry.type === "tool_use"
        ? [
            {
              id: entry.id,
              type: "function" as const,
              function: { name: entry.name, arguments: JSON.stringify(entry.input) },
            },
          ]
        : [],
    );
    return [
      {
        role: "assistant",
        content: text === "" && toolCalls.length > 0 ? null : text,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      },
    ];
  }
  // Tool results answer the previous assistant turn, so they come first, as tool messages.
  const messages: OpenAIChatMessage[] = [];
  const parts: OpenAIContentPart[] = [];
  for (const entry of content) {
    if (entry.type === "tool_result") {
      const text =
        typeof entry.content === "string"
          ? entry.content
          : (entry.content ?? []).map((item) => (item.type === "text" ? item.text : "")).join("");
      messages.push({
        role: "tool",
        tool_call_id: entry.tool_use_id,
        content: entry.is_error === true ? `Error: ${text}` : text,
      });
    } else if (entry.type === "text") parts.push({ type: "text", text: entry.text });
    else if (entry.type === "image") {
      const url =
        entry.source.type === "base64"
          ? `data:${entry.source.media_type};base64,${entry.source.data}`
          : entry.source.url;
      parts.push({ type: "image_url", image_url: { url } });
    } else {
      throw GatewayError.badRequest(`messages: a user message cannot hold a ${entry.type} block`);
    }
  }
  if (parts.length > 0) {
    const only = parts[0];
    messages.push({ role: "user", content: parts.length === 1 && only?.type === "text" ? only.text : parts });
  }
  return messages;
}
