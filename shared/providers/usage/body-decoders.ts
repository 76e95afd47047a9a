import { StringDecoder } from "node:string_decoder";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { createParser } from "eventsource-parser";

/**
 * Incremental decoders for the three body framings a provider can stream, plus a bounded buffer for
 * plain bodies. Each keeps only the unfinished tail of the stream (one partial line, event or frame,
 * itself capped), never the whole body, and hands complete payloads to a callback.
 */
export interface BodyDecoder {
  push(chunk: Uint8Array): void;
  /** The body ended (or the client left): flush whatever complete payload is still buffered. */
  end(): void;
}

/** The largest single SSE event or NDJSON line kept while it arrives; a larger one is dropped. */
export const MAX_EVENT_CHARS = 8 * 1024 * 1024;
/** The largest event-stream frame decoded; larger frames (never usage-bearing) are skipped unread. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** The largest plain (JSON) body kept for parsing at the end; past it, usage is reported as unknown. */
export const MAX_JSON_BODY_BYTES = 8 * 1024 * 1024;

/**
 * UTF-8 text of a byte stream cut anywhere, as TextDecoder's streaming mode gives it (a character split
 * across chunks is completed by the next one, invalid bytes become U+FFFD, a leading byte-order mark is
 * dropped), on node:string_decoder: about a third of the CPU per chunk, and a stream has hundreds of chunks.
 */
function utf8Stream(): { write(chunk: Uint8Array): string; end(): string } {
  const decoder = new StringDecoder("utf8");
  let started = false;
  const withoutBom = (text: string) => {
    if (started || text.length === 0) return text;
    started = true;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  };
  return {
    write: (chunk) => withoutBom(decoder.write(chunk as Buffer)),
    end: () => withoutBom(decoder.end()),
  };
}

/** `text/event-stream`: each event's `data` (the `[DONE]` sentinel excluded) goes to `onData`. */
export function createSseDecoder(
  onData: (data: string) => void,
  maxEventChars = MAX_EVENT_CHARS,
): BodyDecoder {
  const utf8 = utf8Stream();
  let overflowed = false;
  const parser = createParser({
    onEvent: (event) => {
      if (event.data !== "[DONE]") onData(event.data);
    },
    onError: (error) => {
      if (error.type === "max-buffer-size-exceeded") overflowed = true;
    },
    maxBufferSize: maxEventChars,
  });
  const feed = (text: string) => {
    if (text.length === 0) return;
    try {
      parser.feed(text);
    } catch {
      overflowed = true;
    }
    // An oversized event was dropped and the parser stopped: start again from the next line.
    if (overflowed) {
      overflowed = false;
      parser.reset();
    }
  };
  return {
    push: (chunk) => feed(utf8.write(chunk)),
    end: () => {
      feed(utf8.end());
      // Dispatch a last event the stream did not terminate with a blank line (a truncated one fails to
      // parse as JSON and is ignored).
      feed("\n\n");
    },
  };
}

/** Newline-delimited JSON (`application/x-ndjson`, `application/stream+json`): each line to `onLine`. */
export function createNdjsonDecoder(
  onLine: (line: string) => void,
  maxLineChars = MAX_EVENT_CHARS,
): BodyDecoder {
  const utf8 = utf8Stream();
  let partial = "";
  let discarding = false; // inside a line that grew past the cap: drop it up to the next newline
  const emit = (line: string) => {
    const trimmed = line.trim();
    if (trimmed.length > 0) onLine(trimmed);
  };
  const feed = (text: string) => {
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      if (discarding) discarding = false;
      else emit(partial + text.slice(start, newline));
      partial = "";
      start = newline + 1;
    }
    if (discarding) return;
    partial += text.slice(start);
    if (partial.length > maxLineChars) {
      partial = "";
      discarding = true;
    }
  };
  return {
    push: (chunk) => feed(utf8.write(chunk)),
    end: () => {
      feed(utf8.end());
      if (!discarding) emit(partial);
      partial = "";
    },
  };
}

/** One decoded event-stream message: its `:event-type` header (if any) and payload. */
export type EventStreamMessageHandler = (eventType: string | undefined, body: Uint8Array) => void;

const PRELUDE_BYTES = 4;
const MIN_FRAME_BYTES = 16; // prelude (8) + prelude CRC (4) + message CRC (4)

/**
 * `application/vnd.amazon.eventstream` (AWS binary event stream): frames are
 * `total length (4, big-endian) | headers length (4) | prelude CRC | headers | payload | message CRC`,
 * and may be split across chunks or packed several to a chunk. Only the unfinished frame is buffered.
 * Frames that fail their checksum are skipped; exception and error messages are ignored. A length
 * below the minimum means the stream is not an event stream: decoding stops.
 */
export function createEventStreamDecoder(
  onMessage: EventStreamMessageHandler,
  maxFrameBytes = MAX_FRAME_BYTES,
): BodyDecoder {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let frameBytes = 0; // total length of the frame being completed, once its prelude is known
  let skipBytes = 0; // bytes of an oversized frame still to pass over
  let broken = false;

  const decodeFrame = (frame: Uint8Array) => {
    let message: ReturnType<EventStreamCodec["decode"]>;
    try {
      message = codec.decode(frame);
    } catch {
      return; // checksum or header error: skip this frame, its length was still sound
    }
    const messageType = message.headers[":message-type"]?.value;
    if (messageType !== undefined && messageType !== "event") return;
    const eventType = message.headers[":event-type"]?.value;
    onMessage(typeof eventType === "string" ? eventType : undefined, message.body);
  };

  const retain = (bytes: Uint8Array) => {
    pending.push(bytes.slice()); // a copy: the caller's chunk may be reused after push returns
    pendingBytes += bytes.byteLength;
  };
  const takePending = (): Uint8Array => {
    const joined = pending.length === 1 && pending[0] ? pending[0] : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return joined;
  };
  /** False (and decoding stops for good) when a frame length is impossible for an event stream. */
  const acceptLength = (length: number): boolean => {
    if (length < MIN_FRAME_BYTES) {
      broken = true;
      pending = [];
      pendingBytes = 0;
      return false;
    }
    return true;
  };

  const push = (chunk: Uint8Array) => {
    let offset = 0;
    while (!broken && offset < chunk.byteLength) {
      if (skipBytes > 0) {
        const skipped = Math.min(skipBytes, chunk.byteLength - offset);
        skipBytes -= skipped;
        offset += skipped;
        continue;
      }
      const available = chunk.byteLength - offset;
      if (pendingBytes === 0) {
        // Fast path: whole frames straight out of the chunk, without copying.
        if (available < PRELUDE_BYTES) {
          retain(chunk.subarray(offset));
          return;
        }
        const length = readUint32(chunk, offset);
        if (!acceptLength(length)) return;
        if (length > maxFrameBytes) {
          skipBytes = length;
          continue;
        }
        if (available < length) {
          frameBytes = length;
          retain(chunk.subarray(offset));
          return;
        }
        decodeFrame(chunk.subarray(offset, offset + length));
        offset += length;
        continue;
      }
      // Slow path: complete the frame begun in an earlier chunk.
      const target = frameBytes === 0 ? PRELUDE_BYTES : frameBytes;
      const taken = Math.min(target - pendingBytes, available);
      retain(chunk.subarray(offset, offset + taken));
      offset += taken;
      if (pendingBytes < target) return;
      if (frameBytes === 0) {
        const prelude = takePending();
        const length = readUint32(prelude, 0);
        if (!acceptLength(length)) return;
        if (length > maxFrameBytes) {
          skipBytes = length - PRELUDE_BYTES;
          continue;
        }
        frameBytes = length;
        retain(prelude);
        continue;
      }
      frameBytes = 0;
      decodeFrame(takePending());
    }
  };

  return {
    push,
    end: () => {
      // A partial frame at the end (client abort, cut connection) carries nothing usable.
      pending = [];
      pendingBytes = 0;
    },
  };
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return (
    (((bytes[offset] ?? 0) << 24) >>> 0) +
    ((bytes[offset + 1] ?? 0) << 16) +
    ((bytes[offset + 2] ?? 0) << 8) +
    (bytes[offset + 3] ?? 0)
  );
}

/**
 * A plain body (JSON), parsed once at the end: chunks are kept (copied) up to `maxBytes`; past that
 * nothing more is kept and `onBody` is never called, so usage stays unknown rather than guessed.
 */
export function createBufferedBody(
  onBody: (text: string) => void,
  maxBytes = MAX_JSON_BODY_BYTES,
): BodyDecoder {
  let chunks: Uint8Array[] = [];
  let bytes = 0;
  let overflowed = false;
  return {
    push: (chunk) => {
      if (overflowed) return;
      bytes += chunk.byteLength;
      if (bytes > maxBytes) {
        overflowed = true;
        chunks = [];
        return;
      }
      chunks.push(chunk.slice());
    },
    end: () => {
      if (overflowed) return;
      const body = Buffer.concat(chunks, bytes);
      chunks = [];
      onBody(new TextDecoder().decode(body));
    },
  };
}
