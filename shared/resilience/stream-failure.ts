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

/**
 * Passes `source` through; when it fails, appends the error event (if the content type has one) and
 * closes cleanly. Wraps the observed body, so the log still sees the upstream failure.
 */
export function endStreamOnFailure(
  source: ReadableStream<Uint8Array>,
  contentType: string | null,
  dialect: ErrorDialect,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const result = await reader.read();
          if (result.done) controller.close();
          else controller.enqueue(result.value);
        } catch {
          const event = streamErrorEvent(contentType, dialect);
          if (event) controller.enqueue(event);
          controller.close();
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
