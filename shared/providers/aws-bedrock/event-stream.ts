import { EventStreamCodec, type MessageHeaderValue } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import type { BodyDecoder } from "../usage/body-decoders.ts";

/**
 * AWS's binary event stream (`application/vnd.amazon.eventstream`), as Bedrock's ConverseStream and
 * InvokeModelWithResponseStream send it: frames of
 * `total length (4, big-endian) | headers length (4) | prelude CRC | headers | payload | message CRC`,
 * split across chunks or packed several to a chunk (@smithy/eventstream-codec reads and writes one frame).
 */
export const EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream";

/** The largest frame accepted; a larger one means the stream is not what it claims. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;
const MIN_FRAME_BYTES = 16; // prelude (8) + prelude CRC (4) + message CRC (4)

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** One decoded frame: its headers (`:message-type`, `:event-type`, ...) and payload. */
export type EventStreamMessage = ReturnType<EventStreamCodec["decode"]>;

/** A stream that cannot be read on: an impossible frame length, a failed checksum or a cut frame. */
export class EventStreamFramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EventStreamFramingError";
  }
}

export function isEventStreamContentType(contentType: string | null): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === EVENT_STREAM_CONTENT_TYPE;
}

/**
 * Cuts an event stream into whole frames as chunks arrive; only the unfinished frame is kept, its pieces
 * joined once it is complete (so a large frame in many small chunks is copied once, not once a chunk).
 * `push` returns the frames a chunk completes (raw bytes, to pass on or decode) and throws
 * EventStreamFramingError at a length no frame can have (under 16 bytes or over `maxFrameBytes`), after
 * which the stream is unreadable. `pendingBytes` is what an unfinished frame holds so far.
 */
export function createEventStreamFrameReader(maxFrameBytes = MAX_FRAME_BYTES) {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  /** Bytes the unfinished frame needs before it can be cut: its prelude's length, once that is known. */
  let needed = 4;
  let broken = false;

  const cut = (bytes: Uint8Array): Uint8Array[] => {
    const frames: Uint8Array[] = [];
    let offset = 0;
    needed = 4;
    while (bytes.byteLength - offset >= 4) {
      const length = new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0);
      if (length < MIN_FRAME_BYTES || length > maxFrameBytes) {
        broken = true;
        throw new EventStreamFramingError(`an event-stream frame of ${length} bytes`);
      }
      if (bytes.byteLength - offset < length) {
        needed = length;
        break;
      }
      frames.push(bytes.subarray(offset, offset + length));
      offset += length;
    }
    if (offset < bytes.byteLength) {
      // A copy: the caller's chunk may be reused once push returns.
      pending = [bytes.slice(offset)];
      pendingBytes = bytes.byteLength - offset;
    }
    return frames;
  };

  return {
    push(chunk: Uint8Array): Uint8Array[] {
      if (broken) throw new EventStreamFramingError("the event stream is unreadable past an earlier frame");
      if (pendingBytes === 0) return cut(chunk);
      pending.push(chunk.slice());
      pendingBytes += chunk.byteLength;
      if (pendingBytes < needed) return [];
      const joined = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      return cut(joined);
    },
    get pendingBytes(): number {
      return pendingBytes;
    },
  };
}

/** A whole frame decoded; throws EventStreamFramingError when a checksum or a header does not hold. */
export function decodeEventStreamFrame(frame: Uint8Array): EventStreamMessage {
  try {
    return codec.decode(frame);
  } catch (error) {
    throw new EventStreamFramingError(`an event-stream frame failed to decode: ${(error as Error).message}`);
  }
}

/** A frame written with these headers and payload (lengths and both CRCs computed). */
export function encodeEventStreamFrame(message: EventStreamMessage): Uint8Array {
  return codec.encode(message);
}

const text = (value: string): MessageHeaderValue => ({ type: "string", value });

/**
 * The frame Bedrock ends a stream with when it fails after the first event: `:message-type: exception`,
 * the ResponseStream / ConverseStreamOutput member in `:exception-type` (`validationException`,
 * `throttlingException`, ...) and `{"message"}`; the AWS SDK throws it from the stream's iterator as that
 * exception class.
 */
export function encodeExceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ":exception-type": text(exceptionType),
      ":content-type": text("application/json"),
      ":message-type": text("exception"),
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** The name of the frame: its `:event-type`, or for an exception its `:exception-type` (`:error-code` for an error). */
export function frameType(message: EventStreamMessage): string | undefined {
  const messageType = message.headers[":message-type"]?.value;
  const type =
    messageType === "exception"
      ? message.headers[":exception-type"]?.value
      : messageType === "error"
        ? message.headers[":error-code"]?.value
        : message.headers[":event-type"]?.value;
  return typeof type === "string" ? type : undefined;
}

/**
 * AWS event-stream frames -> `{ type, payload }` for the ConverseStream translator: events by their
 * `:event-type`, and exceptions (`:message-type: exception`) by their `:exception-type`, so that a
 * mid-stream throttling or validation error reaches the caller as an error. Frames may be split across
 * chunks or packed several to a chunk; only the unfinished frame is kept. A frame failing its checksum
 * is skipped; a length no frame can have stops decoding.
 */
export function createBedrockEventDecoder(onEvent: (event: unknown) => void): BodyDecoder {
  const reader = createEventStreamFrameReader();
  const utf8 = new TextDecoder();
  let broken = false;

  const emit = (frame: Uint8Array) => {
    let message: EventStreamMessage;
    try {
      message = decodeEventStreamFrame(frame);
    } catch {
      return; // a frame failing its checksum carries nothing usable
    }
    const type = frameType(message);
    if (type === undefined) return;
    onEvent({ type, payload: utf8.decode(message.body) });
  };

  return {
    push(chunk) {
      if (broken) return;
      let frames: Uint8Array[];
      try {
        frames = reader.push(chunk);
      } catch {
        broken = true;
        return;
      }
      for (const frame of frames) emit(frame);
    },
    end() {},
  };
}
