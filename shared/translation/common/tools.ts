import { GatewayError } from "../../core/gateway-error.ts";
import type { OpenAIChatRequest } from "../openai/chat-schema.ts";

/** Checks that a tool_choice can be honoured by the tools of the same request. */
export function checkToolChoice(request: OpenAIChatRequest): void {
  const choice = request.tool_choice;
  const tools = request.tools ?? [];
  if (choice === undefined || choice === "none" || choice === "auto") return;
  if (tools.length === 0) throw GatewayError.badRequest("tool_choice: requires tools");
  if (typeof choice === "object" && !tools.some((tool) => tool.function.name === choice.function.name)) {
    throw GatewayError.badRequest(`tool_choice: no tool named "${choice.function.name}" in tools`);
  }
}

/** Providers without a switch for parallel calls can honour only the default (true). */
export function refuseSerialToolCalls(request: OpenAIChatRequest, provider: string): void {
  if (request.parallel_tool_calls === false && (request.tools ?? []).length > 0) {
    // Named in both callers' words: the Anthropic surface's disable_parallel_tool_use arrives as this.
    throw GatewayError.badRequest(
      `parallel_tool_calls: false (Anthropic: tool_choice.disable_parallel_tool_use) is not supported by provider ${provider}`,
    );
  }
}

/** True when the conversation already holds tool calls or tool results. */
export function historyHasTools(request: OpenAIChatRequest): boolean {
  return request.messages.some(
    (message) =>
      message.role === "tool" || (message.role === "assistant" && (message.tool_calls ?? []).length > 0),
  );
}

/**
 * Every tool message must answer a call of an earlier assistant message: providers refuse orphan results
 * (Anthropic and Bedrock by id, Gemini by function name), and a 400 here names the message.
 */
export function checkToolResults(request: OpenAIChatRequest): void {
  const calledIds = new Set<string>();
  request.messages.forEach((message, index) => {
    if (message.role === "assistant") for (const call of message.tool_calls ?? []) calledIds.add(call.id);
    if (message.role === "tool" && !calledIds.has(message.tool_call_id)) {
      throw GatewayError.badRequest(
        `messages[${index}]: tool_call_id "${message.tool_call_id}" answers no earlier tool call`,
      );
    }
  });
}
