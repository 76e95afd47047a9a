import { once } from "node:events";
import type { Writable } from "node:stream";

/** Headers as the prelude wants them: one value per name, Set-Cookie apart as `cookies`. */
function preludeOf(response: Response) {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") headers[name] = value;
  }
  const cookies = response.headers.getSetCookie();
  return { statusCode: response.status, headers, ...(cookies.length > 0 ? { cookies } : {}) };
}

/**
 * Writes a web Response to a Lambda response stream: the prelude first, then each body chunk as soon as
 * it is read, waiting for `drain` when the stream is full (backpressure). If the client goes away the
 * stream closes early: the body is cancelled, which cancels the provider call.
 */
export async function streamResponse(response: Response, responseStream: Writable): Promise<void> {
  const stream = awslambda.HttpResponseStream.from(responseStream, preludeOf(response));
  const body = response.body;
  if (!body) {
    stream.end();
    return;
  }
  const reader = body.getReader();
  let clientGone = false;
  const onClose = () => {
    if (!stream.writableFinished) {
      clientGone = true;
      reader.cancel(new Error("client closed the response stream")).catch(() => {});
    }
  };
  stream.once("close", onClose);
  stream.once("error", onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || clientGone) break;
      if (!stream.write(value)) await Promise.race([once(stream, "drain"), once(stream, "close")]);
    }
    if (!clientGone) stream.end();
  } catch (error) {
    // The provider's body failed mid-way: break the response rather than end it cleanly, so the client
    // can tell a cut stream from a complete one. The log records the failure.
    if (!stream.destroyed) stream.destroy(error instanceof Error ? error : new Error(String(error)));
  } finally {
    stream.off("close", onClose);
    stream.off("error", onClose);
  }
}
