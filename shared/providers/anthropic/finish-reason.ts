import type { OpenAIFinishReason } from "../../translation/openai/chat-schema.ts";

/**
 * Anthropic `stop_reason` -> OpenAI `finish_reason`.
 * @see https://docs.anthropic.com/en/api/messages#response-stop-reason
 * @see https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons
 */
export function anthropicFinishReason(stopReason: string | null | undefined): OpenAIFinishReason {
  switch (stopReason) {
    case "end_turn":
    case "stop_sequence":
    case "pause_turn": // a server-tool loop paused: the turn ended without truncation
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      // A value newer than this mapping: the model did stop, and "stop" claims nothing more.
      return "stop";
  }
}

/** The reverse, for the Anthropic surface. */
export function anthropicStopReason(finishReason: string | null | undefined): string {
  switch (finishReason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      return "end_turn";
  }
}
