import type { OpenAIFinishReason } from "../../translation/openai/chat-schema.ts";

/**
 * Gemini `Candidate.finishReason` -> OpenAI `finish_reason`. Gemini says STOP also when it calls
 * functions, so a candidate holding a functionCall part maps to "tool_calls".
 * @see https://ai.google.dev/api/generate-content#FinishReason
 */
export function geminiFinishReason(
  reason: string | null | undefined,
  hasFunctionCalls: boolean,
): OpenAIFinishReason {
  switch (reason) {
    case "STOP":
      return hasFunctionCalls ? "tool_calls" : "stop";
    case "MAX_TOKENS":
      return "length";
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
    case "IMAGE_PROHIBITED_CONTENT":
      return "content_filter";
    case "MALFORMED_FUNCTION_CALL":
    case "UNEXPECTED_TOOL_CALL":
    case "LANGUAGE":
    case "OTHER":
    case "FINISH_REASON_UNSPECIFIED":
      return hasFunctionCalls ? "tool_calls" : "stop";
    default:
      // A value newer than this mapping: the model did stop, and "stop" claims nothing more.
      return hasFunctionCalls ? "tool_calls" : "stop";
  }
}
