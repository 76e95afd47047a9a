/** Server-sent events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html). */

export const SSE_CONTENT_TYPE = "text/event-stream; charset=utf-8";

export interface SseOptions {
  /** The `event:` field; omitted when undefined (OpenAI, Gemini). */
  event?: string;
  /** Line terminator: "\n" (OpenAI, Anthropic, Cohere) or "\r\n" (Gemini). */
  eol?: "\n" | "\r\n";
}

/** One SSE event; objects are JSON-encoded on a single `data:` line, strings are sent as-is. */
export function sseEvent(data: unknown, options: SseOptions = {}): string {
  const eol = options.eol ?? "\n";
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  const event = options.event === undefined ? "" : `event: ${options.event}${eol}`;
  return `${event}data: ${payload}${eol}${eol}`;
}
