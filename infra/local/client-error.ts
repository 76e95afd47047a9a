import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/** How long a request may take to arrive in full, headers and body, by default (AIG_REQUEST_TIMEOUT_MS). */
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * The front's request timeout (AIG_REQUEST_TIMEOUT_MS, default 60 s): a client that starts a request and
 * stops sending it (headers that never end, a body shorter than its Content-Length) gets a 408 then, not a
 * connection held open for Node's default five minutes.
 */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.AIG_REQUEST_TIMEOUT_MS ?? DEFAULT_REQUEST_TIMEOUT_MS);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_REQUEST_TIMEOUT_MS;
}

/** What Node's HTTP parser (llhttp) and server report about a request they could not take. */
interface ClientError extends Error {
  code?: string;
  /** llhttp's own words ("Duplicate Content-Length", "Invalid method encountered"). */
  reason?: string;
}

/**
 * The server's `clientError` listener: what API Gateway does with a request it cannot parse, a JSON body
 * in its `{"message": ...}` shape with the status, then the connection closed. Node's own answer is a
 * bare status line (400, 431, 408) with no body, which a client's error handling cannot read.
 */
export function answerClientError(error: ClientError, socket: Duplex): void {
  // Nothing to answer: the client went away, or an answer is already on its way on this connection (Node's
  // own handler makes the same check; _httpMessage is the response the socket is writing).
  const answering = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (error.code === "ECONNRESET" || !socket.writable || answering) {
    socket.destroy();
    return;
  }
  const { status, message } = clientErrorAnswer(error);
  const body = JSON.stringify({ message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function clientErrorAnswer(error: ClientError): { status: number; message: string } {
  switch (error.code) {
    case "HPE_HEADER_OVERFLOW":
      return {
        status: 431,
        message: "Request Header Fields Too Large: the request's headers pass the size limit",
      };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return {
        status: 408,
        message: `Request Timeout: the request did not arrive in full within ${requestTimeoutMs() / 1000} s`,
      };
    case "HPE_UNEXPECTED_CONTENT_LENGTH":
    case "HPE_INVALID_CONTENT_LENGTH":
      return { status: 400, message: `Bad Request: invalid Content-Length (${error.reason ?? error.code})` };
    default:
      // Every other parser error (a request line or header that is not HTTP, a bad chunk size...).
      return { status: 400, message: `Bad Request: ${error.reason ?? "the request is not valid HTTP"}` };
  }
}
