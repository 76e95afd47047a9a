import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";
import type { UpstreamCall } from "../core/upstream-fetch.ts";
import type { Gateway } from "../schemas/gateway.ts";

/**
 * How long a provider may send nothing, once its response has started, before the gateway gives up on it
 * (docs/resilience.md). Not a Cloudflare setting: Cloudflare documents only the first-byte timeout
 * (`cf-aig-request-timeout`). Two minutes is far above the pauses of a model that is thinking (providers
 * send keep-alive events meanwhile) and still ends a dead stream long before the Lambda's 15 minutes.
 */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 120_000;
/** The Lambda's own limit: a longer idle timeout could never fire. */
export const MAX_STREAM_IDLE_TIMEOUT_MS = 900_000;
export const STREAM_IDLE_TIMEOUT_HEADER = "cf-aig-stream-idle-timeout";

/**
 * The request's `cf-aig-stream-idle-timeout` (ms) over the gateway's `stream_idle_timeout_ms` over the
 * default. A malformed header is refused before anything goes upstream, naming the header.
 */
export function resolveStreamIdleTimeout(
  headers: Headers,
  gateway: Pick<Gateway, "stream_idle_timeout_ms">,
): number {
  const raw = headers.get(STREAM_IDLE_TIMEOUT_HEADER);
  if (raw !== null) {
    const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
    if (!(value >= 1 && value <= MAX_STREAM_IDLE_TIMEOUT_MS)) {
      throw GatewayError.badRequest(
        `Invalid ${STREAM_IDLE_TIMEOUT_HEADER} header "${raw}": expected a whole number of milliseconds from 1 to ${MAX_STREAM_IDLE_TIMEOUT_MS}`,
      );
    }
    return value;
  }
  return gateway.stream_idle_timeout_ms ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
}

/** The error a stream ends with when its provider went quiet: a timeout (504, code 7010) in the log. */
export function streamIdleTimeout(timeoutMs: number): GatewayError {
  return new GatewayError({
    status: 504,
    code: ERROR_CODES.upstreamTimeout,
    message: `The provider sent nothing for ${timeoutMs} ms (stream idle timeout)`,
    expose: true,
  });
}

/**
 * The idle clock of one provider body. It runs only while the gateway is waiting for the provider's next
 * chunk (`waiting`), not while a slow client holds the body back (`received`, or not asking), so only a
 * quiet provider trips it. When it trips, `onIdle` gets the timeout error; it should cancel the provider
 * call with it, so the body fails with that error and ends as any mid-stream failure does (an error event,
 * the log). One timer per body, re-armed with `refresh` rather than made anew for each chunk.
 */
export class StreamIdleWatch {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private armed = false;
  private stopped = false;

  constructor(
    readonly timeoutMs: number,
    private readonly onIdle: (error: GatewayError) => void,
  ) {}

  /** The gateway is waiting for the provider's next chunk: the clock (re)starts now. */
  waiting(): void {
    if (this.stopped) return;
    this.armed = true;
    if (this.timer) this.timer.refresh();
    else this.timer = setTimeout(() => this.trip(), this.timeoutMs);
  }

  /** A chunk arrived and nothing more is asked for yet: the clock pauses. */
  received(): void {
    this.armed = false;
  }

  /** The body has ended, for any reason. */
  stop(): void {
    this.stopped = true;
    this.armed = false;
    if (this.timer) clearTimeout(this.timer);
  }

  private trip(): void {
    if (!this.armed || this.stopped) return;
    this.stop();
    this.onIdle(streamIdleTimeout(this.timeoutMs));
  }
}

/**
 * A provider call whose body is watched by a StreamIdleWatch (the unified surfaces, which read the body as
 * a web stream): one provider read per pull, nothing read ahead, the clock running during each read.
 */
export function watchStreamIdle(call: UpstreamCall, timeoutMs: number): UpstreamCall {
  const source = call.response.body;
  if (!source) return call;
  const watch = new StreamIdleWatch(timeoutMs, (error) => call.abort(error));
  const reader = source.getReader();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        watch.waiting();
        let read: ReadableStreamReadResult<Uint8Array>;
        try {
          read = await reader.read();
        } catch (error) {
          watch.stop();
          throw error;
        }
        if (read.done) {
          watch.stop();
          controller.close();
          return;
        }
        watch.received();
        controller.enqueue(read.value);
      },
      async cancel(reason) {
        watch.stop();
        await reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  const { status, statusText, headers } = call.response;
  return { response: new Response(body, { status, statusText, headers }), abort: call.abort };
}
