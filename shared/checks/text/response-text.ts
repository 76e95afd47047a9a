import { type FoundText, findTexts, walkRoots } from "./json-text.ts";

/**
 * The fields of a whole (non-streamed) response body that hold what the user sees:
 * OpenAI `choices` (message content, tool call arguments; completions `text`), Anthropic `content`
 * (text, `tool_use.input`), Gemini `candidates`, Bedrock Converse `output`, Responses `output` and
 * `output_text`, Cohere `text` / `message` / `generations`, Workers AI `result` / `response`.
 */
export const RESPONSE_TEXT_ROOTS: ReadonlySet<string> = new Set([
  "choices",
  "content",
  "candidates",
  "output",
  "output_text",
  "text",
  "message",
  "generations",
  "result",
  "response",
]);

/** Every string of a parsed response body that the user would see, in order. */
export function responseTexts(body: unknown): FoundText[] {
  return findTexts(body, RESPONSE_TEXT_ROOTS);
}

/** The response body with each text string replaced by `rewrite(text)`; the same object when unchanged. */
export function rewriteResponseTexts(body: unknown, rewrite: (text: string) => string): unknown {
  return walkRoots(body, RESPONSE_TEXT_ROOTS, (text) => {
    const next = rewrite(text);
    return next === text ? undefined : next;
  });
}
