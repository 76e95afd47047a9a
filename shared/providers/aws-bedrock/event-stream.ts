import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import type { BodyDecoder } from "../usage/body-decoders.ts";

/** The largest ConverseStream frame accepted; a larger one means the stream is not what it claims. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;
const MIN_FRAME_BYTES = 16;

/**
 * AWS event-stream frames -> `{ type, payload }` for the ConverseStream translator: events by their
 * `:event-type`, and exceptions (`:message-type: exception`) by their `:exception-type`, so that a
 * mid-stream throttling or validation error reaches the caller as an error. Frames may be split across
 * chunks or packed several to a chunk; only the unfinished frame is kept.
 */
export function createBedrockEventDecoder(onEvent: (event: unknown) => void): BodyDecoder {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  const utf8 = new TextDecoder();
  let pending = new Uint8Array(0);
  let broken = false;

  const emit = (frame: Uint8Array) => {
    let message: ReturnType<EventStreamCodec["decode"]>;
    try {
      message = codec.decode(frame);
    } catch {
      return; // a frame failing its checksum carries nothing usable
    }
    const messageType = message.headers[":message-type"]?.value;
    const type =
      messageType === "exception"
        ? message.headers[":exception-type"]?.value
        : messageType === "error"
          ? message.headers[":error-code"]?.value
          : message.headers[":event-type"]?.value;
    if (typeof type !== "string") return;
    onEvent({ type, payload: utf8.decode(message.body) });
  };

  return {
    push(chunk) {
      if (broken) return;
      const joined = new Uint8Array(pending.byteLength + chunk.byteLength);
      joined.set(pending, 0);
      joined.set(chunk, pending.byteLength);
      let offset = 0;
      while (joined.byteLength - offset >= 4) {
        const length = new DataView(joined.buffer, joined.byteOffset + offset, 4).getUint32(0);
        if (length < MIN_FRAME_BYTES || length > MAX_FRAME_BYTES) {
          broken = true;
          pending = new Uint8Array(0);
          return;
        }
        if (joined.byteLength - offset < length) break;
        emit(joined.subarray(offset, offset + length));
        offset += length;
      }
      pending = joined.slice(offset);
    },
    end() {
      pending = new Uint8Array(0);
    },
  };
}
