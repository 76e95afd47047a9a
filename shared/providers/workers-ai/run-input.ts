import { z } from "zod";
import { GatewayError } from "../../core/gateway-error.ts";
import { isRecord } from "../../translation/common/json-values.ts";
import { type OpenAIChatRequest, parseChatRequest } from "../../translation/openai/chat-schema.ts";

/**
 * Workers AI's text-generation input (https://developers.cloudflare.com/workers-ai/models/, "Input" of each
 * text-generation model) -> the canonical chat request:
 * - `prompt` (one user turn) or `messages` (roles system, user, assistant, tool), exactly one of them;
 * - `max_tokens`, `temperature`, `top_p`, `seed`, `frequency_penalty`, `presence_penalty`, `stream`;
 * - `tools` in Workers AI's own form `{name, description, parameters}` or in OpenAI's
 *   `{type: "function", function: {...}}`; `tool_choice` and `response_format` as OpenAI's.
 * Fields Workers AI has but the Bedrock-served models cannot honour (`top_k`, `repetition_penalty`, `raw`,
 * `lora`, `image`, `functions`) and any unknown field are refused with a 400 that names them.
 * No default `max_tokens` is added: the model's own limit applies (Workers AI would cut at 256).
 */
const PASSED = [
  "max_tokens",
  "temperature",
  "top_p",
  "seed",
  "frequency_penalty",
  "presence_penalty",
  "stream",
  "tool_choice",
  "response_format",
] as const;
const KNOWN = new Set<string>(["model", "prompt", "messages", "tools", ...PASSED]);

/** The input's scalar fields (the messages and tools are checked as the chat request they become). */
export const workersAiInputSchema = z.object({
  prompt: z.string().optional().describe("One user turn; send either prompt or messages"),
  messages: z
    .array(z.record(z.string(), z.unknown()))
    .optional()
    .describe("The conversation, OpenAI's roles"),
  max_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).optional(),
  top_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  frequency_penalty: z.number().optional(),
  presence_penalty: z.number().optional(),
  stream: z.boolean().optional().describe("true: Workers AI's server-sent events"),
  tools: z.array(z.record(z.string(), z.unknown())).optional(),
  tool_choice: z.unknown().optional(),
  response_format: z.unknown().optional(),
});

/** `POST /ai/run` with the model in the body: Cloudflare's envelope (reference 1.3). */
export const workersAiRunRequestSchema = z.object({
  model: z.string().describe('"@cf/{vendor}/{model}", or any model of the gateway as "{provider}/{model}"'),
  input: workersAiInputSchema,
});

export function workersAiInputToChat(input: unknown, model: string): OpenAIChatRequest {
  if (!isRecord(input))
    throw GatewayError.badRequest("Invalid Workers AI input: the body must be a JSON object");
  const unknown = Object.keys(input).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) {
    throw GatewayError.badRequest(
      `Workers AI input field${unknown.length > 1 ? "s" : ""} not supported here: ${unknown.map((key) => key.slice(0, 40)).join(", ")}`,
    );
  }
  const checked = workersAiInputSchema.safeParse(input);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw GatewayError.badRequest(
      `Invalid Workers AI input at ${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`,
    );
  }
  const hasPrompt = input.prompt !== undefined;
  if (hasPrompt === (input.messages !== undefined)) {
    throw GatewayError.badRequest('Invalid Workers AI input: send either "prompt" or "messages"');
  }
  if (hasPrompt && typeof input.prompt !== "string") {
    throw GatewayError.badRequest('Invalid Workers AI input: "prompt" must be a string');
  }
  const chat: Record<string, unknown> = {
    model,
    messages: hasPrompt ? [{ role: "user", content: input.prompt }] : input.messages,
  };
  for (const key of PASSED) if (input[key] !== undefined) chat[key] = input[key];
  if (input.tools !== undefined) chat.tools = openAITools(input.tools);
  return parseChatRequest(chat);
}

/** Workers AI's `{name, description, parameters}` tools become OpenAI's function tools; OpenAI's pass as they are. */
function openAITools(tools: unknown): unknown {
  if (!Array.isArray(tools)) return tools;
  return tools.map((tool) =>
    isRecord(tool) && tool.type === undefined && typeof tool.name === "string"
      ? { type: "function", function: tool }
      : tool,
  );
}
