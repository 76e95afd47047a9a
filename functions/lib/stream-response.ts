import { once } from "node:events";
import type { Readable, Writable } from "node:stream";
import { takeNodeBody } from "../../shared/http/node-body-response.ts";

/** Headers as the prelude wants them: one value per name, Set-Cookie apart as `cookies`. */
function preludeOf(response: Response) {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") headers[name] = value;
  }
  const cookies = response.headers.getSetCookie();
  return { statusCode: response.status, headers, ...(cookies.length > 0 ? { cookies } : {}) };
}

/** Written first, so the prelude goes out even when no body chunk follows. Never written into. */
const NOTHING = new Uint8Array(0);

/**
 * Writes a web Response to a Lambda response stream: the prelude first, then each body chunk as soon as
 * it is read, waiting for `drain` when the stream is full (backpressure). If the client goes away the
 * stream closes early: the body is cancelled, which cancels the provider call.
 *
 * The runtime's HttpResponseStream sends the prelude from a hook on the first `write()`: a stream ended
 * without one (HEAD, 204, 304, an empty provider body) would reach API Gateway without its prelude and the
 * client would get a bare 200 (aws-lambda-nodejs-runtime-interface-client issue #97). So a zero-length
 * chunk is written at once, which also sends the status before the provider's first chunk. Never
 * `end(chunk)` here for the same reason: it does not go through `write()`.
 */
export async function streamResponse(response: Response, responseStream: Writable): Promise<void> {
  const stream = awslambda.HttpResponseStream.from(responseStream, preludeOf(response));
  stream.write(NOTHING);
  const source = takeNodeBody(response);
  if (source) return pipeNodeBody(source, stream);
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
      if (!stream.write(value)) await drainOrClose(stream);
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

/**
 * Waits until a full stream can take more, or has closed. The waiter that loses the race is removed, or
 * each wait would leave a close and an error listener on the stream for as long as it lives.
 */
async function drainOrClose(stream: Writable): Promise<void> {
  const waiting = new AbortController();
  try {
    await Promise.race([
      once(stream, "drain", { signal: waiting.signal }),
      once(stream, "close", { signal: waiting.signal }),
    ]);
  } finally {
    waiting.abort();
  }
}

/**
 * streamResponse for a body that is still a Node stream (shared/http/node-body-response.ts): each chunk is
 * written as it comes, the body pauses while the response stream is full, a client leaving destroys the
 * body (which cancels the provider call) and a body failing mid-way breaks the response. Resolves once the
 * response is ended or broken.
 */
function pipeNodeBody(body: Readable, stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      stream.off("close", onClose);
      stream.off("error", onClose);
      stream.off("drain", resume);
      resolve();
    };
    const resume = () => body.resume();
    const onClose = () => {
      if (!stream.writableFinished) body.destroy(new Error("client closed the response stream"));
      finish();
    };
    stream.once("close", onClose);
    stream.once("error", onClose);
    stream.on("drain", resume);
    // Kept after the end: a body destroyed because the client left reports that error here too.
    body.on("error", (error) => {
      if (!finished && !stream.destroyed) stream.destroy(error);
      finish();
    });
    body.once("end", () => {
      stream.end();
      finish();
    });
    body.on("data", (chunk: Buffer) => {
      if (!stream.write(chunk)) body.pause();
    });
  });
}
