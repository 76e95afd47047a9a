import { toGatewayError } from "../core/gateway-error.ts";
import type { UsageObserver } from "../providers/usage/index.ts";
import { midStreamFailure, type StreamFailure } from "../resilience/stream-failure.ts";
import type { StreamTranslator } from "../translation/types.ts";
import type { CallerStream } from "./caller-format.ts";
import { createProviderStreamDecoder } from "./provider-stream.ts";

/**
 * The provider's stream re-encoded in the caller's format, chunk by chunk: each pull reads the provider
 * until at least one caller event is ready (no read-ahead, nothing buffered beyond one unfinished event).
 * The raw provider bytes also go to the usage observer, so the log has the provider's own token figures.
 * A mid-stream provider error (an error event the translator refuses, or the provider's connection failing:
 * cut, or ended by the stream idle timeout) becomes an error event in the caller's format, then the stream
 * ends; `onFailure` hears of a connection failure, for the log.
 */
export function translateStream(
  provider: string,
  source: ReadableStream<Uint8Array>,
  translator: StreamTranslator,
  caller: CallerStream,
  usage: UsageObserver,
  onFailure: (failure: StreamFailure) => void = () => {},
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const encoder = new TextEncoder();
  let pending = "";
  let failed = false;
  const decoder = createProviderStreamDecoder(provider, (event) => {
    if (failed) return;
    try {
      for (const chunk of translator.push(event)) pending += caller.push(chunk);
    } catch (caught) {
      const error = toGatewayError(caught);
      failed = true;
      pending += caller.error(error.status, "api_error", error.publicMessage);
    }
  });

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        while (pending === "" && !failed) {
          let read: ReadableStreamReadResult<Uint8Array>;
          try {
            read = await reader.read();
          } catch (error) {
            // The client has part of an answer: no retry now, an error event in its format instead of a cut.
            const failure = midStreamFailure(error);
            failed = true;
            pending += caller.error(failure.status, "api_error", failure.message);
            onFailure(failure);
            break;
          }
          const { done, value } = read;
          if (done) {
            decoder.end();
            if (!failed) {
              for (const chunk of translator.finish()) pending += caller.push(chunk);
              pending += caller.finish();
            }
            flush(controller);
            controller.close();
            return;
          }
          usage.push(value);
          decoder.push(value);
        }
        flush(controller);
        if (failed) {
          await reader.cancel().catch(() => {});
          controller.close();
        }
      },
      async cancel(reason) {
        await reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );

  function flush(controller: ReadableStreamDefaultController<Uint8Array>): void {
    if (pending === "") return;
    controller.enqueue(encoder.encode(pending));
    pending = "";
  }
}
