import type { OpenAIFinishReason } from "../../translation/openai/chat-schema.ts";

/**
 * Bedrock Converse `stopReason` -> OpenAI `finish_reason`.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_MessageStopEvent.html
 */
export function bedrockFinishReason(stopReason: string | null | undefined): OpenAIFinishReason {
  switch (stopReason) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "guardrail_intervened":
    case "content_filtered":
      return "content_filter";
    default:
      // A value newer than this mapping: the model did stop, and "stop" claims nothing more.
      return "stop";
  }
}
