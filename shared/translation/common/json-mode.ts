/**
 * OpenAI's JSON mode (`response_format: {"type": "json_object"}`) for providers that have no schema-less
 * JSON mode (Anthropic, Bedrock Converse): the request asks for one JSON object in its system prompt, as
 * OpenAI's own JSON mode requires the word "JSON" in the prompt. It is an instruction, not a guarantee;
 * `json_schema` maps to the provider's structured outputs, which is one (docs/unified-api.md).
 */
export const JSON_MODE_INSTRUCTION =
  "Respond with a single valid JSON object and nothing else: no prose, no code fences.";
