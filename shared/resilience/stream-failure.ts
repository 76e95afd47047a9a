import type { ErrorDialect } from "../http/error-response.ts";

const encoder = new TextEncoder();

/**
 * The last event of a stream whose provider failed after the first byte reached the client: retrying or
 * falling back is no longer possible (the client has part of an answer), so the stream ends with an error
 * event the client's SDK reads as a failure, instead of a silent cut or a hang. Anthropic streams get
 * Anthropic's `event: error`; every other SSE surface the OpenAI-style `data: {"error":...}` event.
 * Non-SSE bodies have no error framing: they end, and the log records the failure.
 */
export function streamErrorEvent(contentType: string | null, dialect: ErrorDialect): Uint8Array | null {
  if (!contentType?.toLowerCase().includes("text/event-stream")) return null;
  const message = "The provider connection failed mid-response";
  if (dialect === "anthropic") {
    const data = JSON.stringify({ type: "error", error: { type: "api_error", message } });
    return encoder.encode(`\n\nevent: error\ndata: ${data}\n\n`);
  }
  const data = JSON.stringify({ error: { message, type: "api_error", param: null, code: 7009 } });
  return encoder.encode(`\n\ndata: ${data}\n\n`);
}
