import { z } from "zod";
import { GatewayError } from "../../core/gateway-error.ts";

/**
 * The canonical format of the unified API: OpenAI Chat Completions
 * (https://platform.openai.com/docs/api-reference/chat/create). Every provider translator takes a
 * request of this shape and gives back completions and chunks of this shape.
 *
 * Known fields are checked; unknown top-level fields are kept (`looseObject`) so that each translator can
 * name them in its 400 instead of dropping them silently.
 */
const textPart = z.object({ type: z.literal("text"), text: z.string() });
const imagePart = z.object({
  type: z.literal("image_url"),
  image_url: z.object({ url: z.string().min(1), detail: z.enum(["auto", "low", "high"]).optional() }),
});
const audioPart = z.object({
  type: z.literal("input_audio"),
  input_audio: z.object({ data: z.string(), format: z.string() }),
});
const filePart = z.object({ type: z.literal("file"), file: z.record(z.string(), z.unknown()) });
const refusalPart = z.object({ type: z.literal("refusal"), refusal: z.string() });

export const contentPartSchema = z.discriminatedUnion("type", [textPart, imagePart, audioPart, filePart]);
const textContent = z.union([z.string(), z.array(textPart)]);

export const toolCallSchema = z.object({
  id: z.string().min(1),
  type: z.literal("function"),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const systemMessage = z.object({
  role: z.literal("system"),
  content: textContent,
  name: z.string().optional(),
});
const developerMessage = z.object({
  role: z.literal("developer"),
  content: textContent,
  name: z.string().optional(),
});
const userMessage = z.object({
  role: z.literal("user"),
  content: z.union([z.string(), z.array(contentPartSchema)]),
  name: z.string().optional(),
});
const assistantMessage = z.object({
  role: z.literal("assistant"),
  content: z
    .union([z.string(), z.array(z.union([textPart, refusalPart]))])
    .nullable()
    .optional(),
  tool_calls: z.array(toolCallSchema).optional(),
  refusal: z.string().nullable().optional(),
  name: z.string().optional(),
});
const toolMessage = z.object({
  role: z.literal("tool"),
  content: textContent,
  tool_call_id: z.string().min(1),
});

export const chatMessageSchema = z.discriminatedUnion("role", [
  systemMessage,
  developerMessage,
  userMessage,
  assistantMessage,
  toolMessage,
]);

export const functionToolSchema = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

export const toolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) }),
]);

export const responseFormatSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string().min(1),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

export const chatRequestSchema = z.looseObject({
  model: z.string().optional(),
  messages: z.array(chatMessageSchema).min(1),
  tools: z.array(functionToolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: responseFormatSchema.optional(),
  stop: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
  n: z.number().int().positive().nullable().optional(),
  user: z.string().optional(),
  presence_penalty: z.number().nullable().optional(),
  frequency_penalty: z.number().nullable().optional(),
  logit_bias: z.record(z.string(), z.number()).nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().nullable().optional(),
  seed: z.number().int().nullable().optional(),
});

export type OpenAIChatRequest = z.infer<typeof chatRequestSchema>;
export type OpenAIChatMessage = z.infer<typeof chatMessageSchema>;
export type OpenAIContentPart = z.infer<typeof contentPartSchema>;
export type OpenAIToolCall = z.infer<typeof toolCallSchema>;
export type OpenAIFunctionTool = z.infer<typeof functionToolSchema>;
export type OpenAIToolChoice = z.infer<typeof toolChoiceSchema>;

export type OpenAIFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

export interface OpenAIChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: "assistant"; content: string | null; refusal: null; tool_calls?: OpenAIToolCall[] };
    logprobs: null;
    finish_reason: OpenAIFinishReason;
  }>;
  usage?: OpenAIUsage;
}

export interface OpenAIToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function: { name?: string; arguments: string };
}

export interface OpenAIChatChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: "assistant"; content?: string; tool_calls?: OpenAIToolCallDelta[] };
    logprobs: null;
    finish_reason: OpenAIFinishReason | null;
  }>;
  usage?: OpenAIUsage;
}

/** Parses a client body into the canonical request; a malformed body is a 400 naming the first bad field. */
export function parseChatRequest(body: unknown): OpenAIChatRequest {
  const result = chatRequestSchema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? "body" : issue.path.join(".");
  throw GatewayError.badRequest(
    `Invalid chat completion request at ${where}: ${issue?.message ?? "invalid"}`,
  );
}
