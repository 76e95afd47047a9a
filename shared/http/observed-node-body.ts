import { Readable } from "node:stream";
import { NodeBodyResponse, takeNodeBody } from "./node-body-response.ts";
import { type BodyObservation, type ObserveOptions, observeBody, startObservation } from "./observed-body.ts";

/**
 * observeBody for a body that is still a Node stream: the same observation and the same behaviour (no
 * read-ahead, the head captured for the log, a client leaving cancels the provider call, a provider failing
 * mid-body errors the body or ends it with `failureTail`), without a web stream in between. `body` pulls a
 * chunk from the provider only when its reader wants one: backpressure reaches the provider's socket.
 */
export function observeNodeBody(
  source: Readable,
  options: ObserveOptions,
): { body: Readable; done: Promise<BodyObservation> } {
  const { observation, done, finish, finishWhole, capture } = startObservation(options);
  let ended = false;
  // When the reader last asked for a chunk: the wait from then to the chunk is the provider's.
  let readStartedAt: number | null = null;
  const providerWaitEndsNow = () => {
    const now = options.monotonic();
    if (readStartedAt !== null) observation.providerWait += now - readStartedAt;
    readStartedAt = null;
    return now;
  };

  const body = new Readable({
    highWaterMark: 0,
    read() {
      readStartedAt ??= options.monotonic();
      options.idle?.waiting();
      source.resume();
    },
    destroy(error, callback) {
      if (!ended) {
        // Destroyed before the end by its reader: the client left.
        ended = true;
        observation.clientAborted = true;
        finish();
        const reason = error ?? new Error("client closed the response stream");
        options.onClientAbort?.(reason);
        source.destroy();
      }
      callback(error);
    },
  });

  source.pause();
  source.on("data", (chunk: Buffer) => {
    if (ended) return;
    const at = providerWaitEndsNow();
    observation.firstChunkAt ??= at;
    observation.bytes += chunk.byteLength;
    // Still flowing: waiting for the next chunk from now on. Paused: the client holds the body back.
    if (body.push(chunk)) options.idle?.waiting();
    else {
      source.pause();
      options.idle?.received();
    }
    capture(chunk);
    options.onChunk?.(chunk);
  });
  source.once("end", () => {
    if (ended) return;
    ended = true;
    const waiting = finishWhole(providerWaitEndsNow());
    if (!waiting) body.push(null);
    // A body destroyed while it waited (the client left) takes no more pushes.
    else waiting.then(() => body.destroyed || body.push(null));
  });
  const fail = (error: unknown) => {
    if (ended) return;
    ended = true;
    providerWaitEndsNow();
    observation.upstreamError = error;
    finish();
    if (!options.failureTail) {
      body.destroy(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const tail = options.failureTail(error);
    if (tail) body.push(tail);
    body.push(null);
  };
  source.once("error", fail);
  // Closed before the end with no error of its own: the connection was cut.
  source.once("close", () => fail(new Error("terminated: the provider closed the connection")));
  return { body, done };
}

/**
 * Observes a provider response's body and gives the response to send on with it: a Node body stays a
 * Node stream end to end (node-body-response.ts), any other goes through observeBody. Only for a
 * response that has a body.
 */
export function observeResponseBody(
  upstream: Response,
  init: { status: number; headers: Headers },
  options: ObserveOptions,
): { response: Response; done: Promise<BodyObservation> } {
  const source = takeNodeBody(upstream);
  if (source) {
    const { body, done } = observeNodeBody(source, options);
    return { response: new NodeBodyResponse(body, init), done };
  }
  if (!upstream.body) throw new TypeError("observeResponseBody needs a response with a body");
  const { body, done } = observeBody(upstream.body, options);
  return { response: new Response(body, init), done };
}
