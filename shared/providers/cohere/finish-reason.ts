import type { OpenAIFinishReason } from "../../translation/openai/chat-schema.ts";

/**
 * Cohere v2 `finish_reason` -> OpenAI `finish_reason`, for the reasons that end a generation normally.
 * ERROR and TIMEOUT are failures, not finish reasons: `cohereFailure` (errors.ts) turns them into errors.
 * @see https://docs.cohere.com/reference/chat (response `finish_reason`)
 */
export function cohereFinishReason(reason: string | null | undefined): OpenAIFinishReason {
  switch (reason) {
    case "COMPLETE":
    case "STOP_SEQUENCE":
      return "stop";
    case "MAX_TOKENS":
      return "length";
    case "TOOL_CALL":
      return "tool_calls";
    default:
      // A value newer than this mapping: the model did stop, and "stop" claims nothing more.
      return "stop";
  }
}

/** The finish reasons that report a failed generation (the response may hold partial output). */
export function isCohereFailure(reason: string | null | undefined): reason is "ERROR" | "TIMEOUT" {
  return reason === "ERROR" || reason === "TIMEOUT";
}
