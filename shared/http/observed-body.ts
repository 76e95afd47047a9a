import type { StreamIdleWatch } from "../resilience/stream-idle-timeout.ts";

/** What the gateway learned about a response body while passing it on. */
export interface BodyObservation {
  /** Monotonic time of the first chunk, or null when none arrived. */
  firstChunkAt: number | null;
  /** Monotonic time the body ended: last chunk passed on, client gone, or upstream failed. */
  endedAt: number;
  /** Bytes passed on to the client. */
  bytes: number;
  /** The head of the body, at most `captureLimit` bytes, for the log. */
  captured: Uint8Array[];
  /** True when `captured` holds the whole body. */
  capturedAll: boolean;
  /** The client stopped reading before the end (it left, or the response stream broke). */
  clientAborted: boolean;
  /** The upstream body failed mid-way (connection cut), if it did. */
  upstreamError: unknown;
  /**
   * Milliseconds spent inside `read()` on the provider's body: waiting for its next chunk. The rest of the
   * body's time is the gateway's (and the client's, when it reads slowly: backpressure reaches the pull).
   */
  providerWait: number;
}

export interface ObserveOptions {
  captureLimit: number;
  monotonic: () => number;
  /** Sees every chunk after it is queued for the client; must not throw. */
  onChunk?: (chunk: Uint8Array) => void;
  /** Called when the client leaves early, to cancel the provider call. */
  onClientAbort?: (reason: unknown) => void;
  /**
   * When given, a provider failure mid-body ends the body cleanly after this chunk (none when it returns
   * null) instead of erroring it: see shared/resilience/stream-failure.ts. Done here rather than by a
   * stream wrapped around this one, which would cost a web-stream hop per chunk on every response.
   */
  failureTail?: (error: unknown) => Uint8Array | null;
  /**
   * Awaited once the provider's body has ended whole (not cut, not abandoned), before the body ends for
   * the client: the cache write of a miss, so that the client's last byte means "stored" (docs/caching.md).
   * No chunk before the last waits for it. Called before `done` settles; must not reject.
   */
  beforeEnd?: (observation: BodyObservation) => Promise<unknown>;
  /**
   * The stream idle timeout's clock (shared/resilience/stream-idle-timeout.ts): run while the body waits
   * for the provider's next chunk, stopped when the body ends. When it trips it cancels the provider call,
   * and the body fails as on any mid-body failure.
   */
  idle?: StreamIdleWatch;
}

/**
 * Passes a body through chunk by chunk, with no read-ahead (highWaterMark 0: a chunk is pulled from the
 * provider only when the client side asks for one), while recording what the log needs. `done` settles
 * when the body has ended for any reason; it never rejects.
 */
export function observeBody(
  source: ReadableStream<Uint8Array>,
  options: ObserveOptions,
): { body: ReadableStream<Uint8Array>; done: Promise<BodyObservation> } {
  const reader = source.getReader();
  const { observation, done, finish, finishWhole, capture } = startObservation(options);
  /** Set once the provider's body has ended (whole or failed): a cancel after that is not the client leaving early. */
  let ended = false;
  let cancelled = false;

  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let result: ReadableStreamReadResult<Uint8Array>;
        // Two clock reads a chunk: the time this pull waits on the provider (gateway overhead is the rest).
        const readStartedAt = options.monotonic();
        options.idle?.waiting();
        try {
          result = await reader.read();
        } catch (error) {
          observation.providerWait += options.monotonic() - readStartedAt;
          observation.upstreamError = error;
          ended = true;
          finish();
          if (!options.failureTail) {
            controller.error(error);
            return;
          }
          const tail = options.failureTail(error);
          if (tail) controller.enqueue(tail);
          controller.close();
          return;
        }
        const readEndedAt = options.monotonic();
        observation.providerWait += readEndedAt - readStartedAt;
        if (result.done) {
          ended = true;
          const waiting = finishWhole(readEndedAt);
          if (waiting) {
            await waiting;
            // The client left while the body waited for its end: the stream is closed already.
            if (cancelled) return;
          }
          controller.close();
          return;
        }
        options.idle?.received();
        const chunk = result.value;
        observation.firstChunkAt ??= readEndedAt;
        observation.bytes += chunk.byteLength;
        controller.enqueue(chunk);
        capture(chunk);
        options.onChunk?.(chunk);
      },
      cancel(reason) {
        cancelled = true;
        if (ended) return;
        observation.clientAborted = true;
        finish();
        options.onClientAbort?.(reason);
        return reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  return { body, done };
}

/**
 * What observeBody and observeNodeBody (observed-node-body.ts) share: the observation, the capture of the
 * body's head for the log, and `done`, settled by `finish`.
 */
export function startObservation(options: ObserveOptions) {
  const observation: BodyObservation = {
    firstChunkAt: null,
    endedAt: 0,
    bytes: 0,
    captured: [],
    capturedAll: true,
    clientAborted: false,
    upstreamError: undefined,
    providerWait: 0,
  };
  let capturedBytes = 0;
  let settle: (value: BodyObservation) => void = () => {};
  const done = new Promise<BodyObservation>((resolve) => {
    settle = resolve;
  });
  const finish = (at = options.monotonic()) => {
    options.idle?.stop();
    observation.endedAt = at;
    settle(observation);
  };
  /**
   * The provider's body ended whole: `beforeEnd` is started, then `done` settles. Returns what the body's
   * end must wait for (never rejecting), or null when nothing is to be waited for.
   */
  const finishWhole = (at: number): Promise<unknown> | null => {
    observation.endedAt = at;
    const waiting = options.beforeEnd?.(observation).catch(() => {}) ?? null;
    finish(at);
    return waiting;
  };
  const capture = (chunk: Uint8Array) => {
    if (!observation.capturedAll) return;
    const room = options.captureLimit - capturedBytes;
    if (chunk.byteLength <= room) {
      observation.captured.push(chunk);
      capturedBytes += chunk.byteLength;
    } else {
      if (room > 0) observation.captured.push(chunk.subarray(0, room));
      capturedBytes += Math.max(room, 0);
      observation.capturedAll = false;
    }
  };
  return { observation, done, finish, finishWhole, capture };
}

export function concatChunks(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  return Buffer.concat(chunks);
}
