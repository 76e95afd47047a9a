import { GatewayError } from "../../core/gateway-error.ts";
import type { OpenAIChatRequest } from "../openai/chat-schema.ts";

/**
 * The top-level request fields every translator understands. A field outside a provider's list that is
 * present with a meaningful value is refused with a 400 that names it - never dropped silently.
 */
export const COMMON_PARAMETERS = [
  "model",
  "messages",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "stop",
  "temperature",
  "top_p",
  "max_tokens",
  "max_completion_tokens",
  "stream",
  "stream_options",
  "user",
] as const;

/** Values that ask for nothing and so never need to be honoured. */
function isNeutral(key: string, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (key === "n") return value === 1;
  if (key === "logprobs" || key === "store") return value === false;
  if (key === "presence_penalty" || key === "frequency_penalty") return value === 0;
  return false;
}

export function refuseUnsupportedParameters(
  request: OpenAIChatRequest,
  supported: ReadonlySet<string>,
  provider: string,
): void {
  const refused = Object.entries(request)
    .filter(([key, value]) => !supported.has(key) && !isNeutral(key, value))
    .map(([key]) => key);
  if (refused.length > 0) {
    throw GatewayError.badRequest(
      `Unsupported parameter${refused.length > 1 ? "s" : ""} for provider ${provider}: ${refused.join(", ")}`,
    );
  }
}

/** max_completion_tokens replaces the deprecated max_tokens; when both are sent the newer one wins. */
export function maxOutputTokens(request: OpenAIChatRequest): number | undefined {
  return request.max_completion_tokens ?? request.max_tokens ?? undefined;
}

export function stopSequences(request: OpenAIChatRequest): string[] | undefined {
  if (request.stop === undefined || request.stop === null) return undefined;
  return typeof request.stop === "string" ? [request.stop] : request.stop;
}
