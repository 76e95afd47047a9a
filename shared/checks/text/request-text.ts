import { type FoundText, findTexts, walkRoots } from "./json-text.ts";

/**
 * The fields of a request body that hold what the provider reads, across the formats accepted:
 * - OpenAI chat `messages` (content strings and parts, `tool_calls[].function.arguments`, tool results),
 *   completions `prompt`, embeddings and Responses `input` (strings or items: `input_text`, `function_call`
 *   arguments, `function_call_output` output) and Responses `instructions`;
 * - Anthropic `system` and `messages` (text, `tool_use.input`, `tool_result.content`);
 * - Gemini `contents` (`parts[].text`, `functionCall.args`, `functionResponse.response`) and
 *   `systemInstruction` / `system_instruction`;
 * - Bedrock Converse `messages` (`text`, `toolUse.input`, `toolResult.content`) and `system`;
 * - Cohere v1 `message`, `chat_history`, `preamble`, `documents`, embed `texts`, v2 `messages`;
 * - Workers AI `prompt` and `messages`.
 * Base64 payloads (`data`, `bytes`, `image_url`, data URLs) are never read.
 */
export const REQUEST_TEXT_ROOTS: ReadonlySet<string> = new Set([
  "messages",
  "prompt",
  "input",
  "instructions",
  "system",
  "contents",
  "systemInstruction",
  "system_instruction",
  "message",
  "chat_history",
  "preamble",
  "documents",
  "texts",
  "query",
]);

/** Every string of a parsed request body that the provider would read, in order. */
export function requestTexts(body: unknown): FoundText[] {
  return findTexts(body, REQUEST_TEXT_ROOTS);
}

/**
 * The request body with each text string replaced by `rewrite(text)`; the same object when nothing
 * changed (so the caller can keep the original bytes).
 */
export function rewriteRequestTexts(body: unknown, rewrite: (text: string) => string): unknown {
  return walkRoots(body, REQUEST_TEXT_ROOTS, (text) => {
    const next = rewrite(text);
    return next === text ? undefined : next;
  });
}

/** A JSON request body parsed, or undefined when it is not JSON (a binary or multipart body is not scanned). */
export function parseJsonBody(bytes: Uint8Array | null): unknown {
  if (!bytes || bytes.byteLength === 0) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}
