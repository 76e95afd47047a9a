import { Readable } from "node:stream";

/**
 * A web `Transformer` (the object `new TransformStream(...)` takes) run directly over a Node stream: each
 * chunk of `source` goes to `transformer.transform`, what it enqueues comes out of the returned Readable,
 * and `flush` runs at the source's end. The streamed response checks (DLP, guardrails) are written as
 * Transformers so that they run on either kind of body; over the provider's Node body this costs no web
 * stream: wrapping it in `Readable.toWeb` / `TransformStream` / a web Response and reading that back was
 * the largest part of what DLP added to a stream's first byte (docs/benchmarks.md).
 *
 * The same behaviour as the web pipe it replaces:
 * - No read-ahead (highWaterMark 0): the source flows only while the reader wants a chunk, so backpressure
 *   reaches the provider's socket. A chunk the transformer holds back does not count: the source keeps
 *   flowing until something comes out.
 * - `transform` and `flush` may return a promise (guardrails scan remotely): the source is paused until
 *   it settles, so chunks are transformed one at a time, in order.
 * - `controller.terminate()` ends the body after what was enqueued, and destroys the source (the rest of
 *   the provider's answer is not wanted); `controller.error(e)`, a throw or a rejection fails the body
 *   with that error and destroys the source. The source failing, or closing before its end, fails the
 *   body without a flush (what the transformer holds is dropped, as a TransformStream drops it).
 * - The reader destroying the body (the client left) destroys the source.
 * - The first output leaves before the rest of what arrived with it is transformed: after the first
 *   enqueue the source is paused until the next turn of the event loop. A provider's burst (fifty events
 *   in one socket read) would otherwise reach the client only once the check had read all of it, since
 *   what the handler writes in one turn leaves in one write (infra/local/local-response-stream.ts). Only
 *   the first: later chunks of a burst go out together, one write instead of one each.
 * Only `enqueue`, `terminate` and `error` of the controller are meant to be used; `start` is called
 * first if the transformer has one. Chunks enqueued after the body ended are dropped.
 */
export function transformNodeBody(
  source: Readable,
  transformer: Transformer<Uint8Array, Uint8Array>,
): Readable {
  /** Set once the body has ended, failed or been destroyed: nothing more goes through the transformer. */
  let settled = false;
  /** The source has ended: its `close` that follows is not a cut. */
  let sourceEnded = false;
  /** The reader holds the body back (a push was refused): the source stays paused until it reads again. */
  let full = false;
  /** An async transform or flush in progress; the source is paused and its end waits for it. */
  let running: Promise<void> | null = null;
  /** Whether anything has been enqueued yet (the first output is let out before more input: above). */
  let sentFirst = false;
  /** The source is paused until the turn of the first output has ended. */
  let yielding = false;
  const resumeIfWanted = () => {
    if (!settled && !full && !running && !yielding) source.resume();
  };

  const body = new Readable({
    highWaterMark: 0,
    read() {
      full = false;
      resumeIfWanted();
    },
    destroy(error, callback) {
      settled = true;
      source.destroy();
      callback(error);
    },
  });

  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    source.destroy();
    body.destroy(error instanceof Error ? error : new Error(String(error)));
  };

  const controller: TransformStreamDefaultController<Uint8Array> = {
    get desiredSize() {
      return settled ? 0 : body.readableHighWaterMark - body.readableLength;
    },
    enqueue(chunk) {
      if (settled || !chunk || chunk.byteLength === 0) return;
      if (!body.push(chunk)) full = true;
      if (sentFirst) return;
      sentFirst = true;
      yielding = true;
      source.pause();
      setImmediate(() => {
        yielding = false;
        resumeIfWanted();
      });
    },
    terminate() {
      if (settled) return;
      settled = true;
      body.push(null);
      source.destroy();
    },
    error: fail,
  };

  /**
   * What a transformer call returned: nothing (it is done: `next` runs now) or a promise (the source is
   * paused until it settles, then `next` runs).
   */
  const after = (result: void | PromiseLike<void>, next: () => void) => {
    if (!result || typeof (result as PromiseLike<void>).then !== "function") {
      next();
      return;
    }
    source.pause();
    running = Promise.resolve(result).then(
      () => {
        running = null;
        if (!settled) next();
      },
      (error) => {
        running = null;
        fail(error);
      },
    );
  };
  const call = (method: () => void | PromiseLike<void>, next: () => void) => {
    let result: void | PromiseLike<void>;
    try {
      result = method();
    } catch (error) {
      fail(error);
      return;
    }
    after(result, next);
  };

  /** After a chunk: keep the source flowing unless the reader is full or the first output is leaving. */
  const flowOn = () => {
    if (full || yielding) source.pause();
    else source.resume();
  };
  const end = () => {
    if (settled) return;
    call(
      () => transformer.flush?.(controller),
      () => {
        if (settled) return;
        settled = true;
        body.push(null);
      },
    );
  };

  source.pause();
  if (transformer.start)
    call(
      () => transformer.start?.(controller),
      () => {},
    );
  const transform = transformer.transform;
  source.on("data", (chunk: Buffer) => {
    if (settled) return;
    if (!transform) {
      controller.enqueue(chunk);
      if (full || yielding) source.pause();
      return;
    }
    // Called on the transformer, as a TransformStream calls it (a class's method keeps its `this`).
    call(() => transform.call(transformer, chunk, controller), flowOn);
  });
  source.once("end", () => {
    sourceEnded = true;
    if (running) running.then(end);
    else end();
  });
  source.once("error", fail);
  // Closed before its end with no error of its own: the connection was cut.
  source.once("close", () => {
    if (!sourceEnded) fail(new Error("terminated: the provider closed the connection"));
  });
  return body;
}
