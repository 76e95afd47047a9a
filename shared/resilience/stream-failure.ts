import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";
import type { ErrorDialect } from "../http/error-response.ts";

const encoder = new TextEncoder();

/** Why a stream ended before its end, for the in-band error event and the log. */
export interface StreamFailure {
  /** The status the failure would have had before the first byte (502 cut, 504 idle timeout). */
  status: number;
  /** The gateway's error code for the log: 7009 (connection failed) or 7010 (timeout). */
  code: number;
  message: string;
}

export const MID_STREAM_FAILURE_MESSAGE = "The provider connection failed mid-response";

/**
 * The failure of a provider body that broke after its first byte: the gateway's own error when the
 * gateway ended it (the stream idle timeout, shared/resilience/stream-idle-timeout.ts), else a cut
 * connection (502, code 7009). The provider's own error text is not passed on (it may name hosts).
 */
export function midStreamFailure(error: unknown): StreamFailure {
  if (error instanceof GatewayError)
    return { status: error.status, code: error.code, message: error.message };
  return { status: 502, code: ERROR_CODES.upstreamUnavailable, message: MID_STREAM_FAILURE_MESSAGE };
}

/**
 * The last event of a stream whose provider failed after the first byte reached the client: retrying or
 * falling back is no longer possible (the client has part of an answer), so the stream ends with an error
 * event the client's SDK reads as a failure, instead of a silent cut or a hang. Anthropic streams get
 * Anthropic's `event: error`; every other SSE surface the OpenAI-style `data: {"error":...}` event.
 * Non-SSE bodies have no error framing: they end, and the log records the failure. The unified surfaces
 * write the event in the caller's format instead (shared/unified/translated-stream.ts).
 */
export function streamErrorEvent(
  contentType: string | null,
  dialect: ErrorDialect,
  failure: StreamFailure = midStreamFailure(undefined),
): Uint8Array | null {
  if (!contentType?.toLowerCase().includes("text/event-stream")) return null;
  const { message } = failure;
  if (dialect === "anthropic") {
    const data = JSON.stringify({ type: "error", error: { type: "api_error", message } });
    return encoder.encode(`\n\nevent: error\ndata: ${data}\n\n`);
  }
  const data = JSON.stringify({ error: { message, type: "api_error", param: null, code: failure.code } });
  return encoder.encode(`\n\ndata: ${data}\n\n`);
}
