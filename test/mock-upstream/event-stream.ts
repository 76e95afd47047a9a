/**
 * AWS event-stream framing (`application/vnd.amazon.eventstream`), as Bedrock ConverseStream sends it:
 * each frame carries `:event-type`, `:content-type` and `:message-type` headers and a JSON payload
 * (prelude with total and header lengths, prelude CRC32, headers, payload, message CRC32: @smithy's codec).
 */
import { EventStreamCodec, type MessageHeaderValue } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";

export const EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream";

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function text(value: string): MessageHeaderValue {
  return { type: "string", value };
}

/** One binary frame: the event named `eventType` with `payload` as its JSON body. */
export function encodeEvent(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ":event-type": text(eventType),
      ":content-type": text("application/json"),
      ":message-type": text("event"),
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

/**
 * One exception frame, as ConverseStream reports an error after the stream began: `:message-type: exception`
 * and the union member's name (`throttlingException`, `modelStreamErrorException`, ...) in `:exception-type`.
 */
export function encodeException(exceptionType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ":exception-type": text(exceptionType),
      ":content-type": text("application/json"),
      ":message-type": text("exception"),
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

export interface DecodedEvent {
  headers: Record<string, MessageHeaderValue["value"]>;
  eventType: string | undefined;
  payload: unknown;
}

/** Splits a complete event-stream body into frames (4-byte big-endian total length prefix) and decodes them. */
export function decodeEventStream(bytes: Uint8Array): DecodedEvent[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: DecodedEvent[] = [];
  let offset = 0;
  while (offset + 4 <= bytes.byteLength) {
    const length = view.getUint32(offset, false);
    if (length < 16 || offset + length > bytes.byteLength) break;
    const message = codec.decode(bytes.subarray(offset, offset + length));
    const headers: DecodedEvent["headers"] = {};
    for (const [name, header] of Object.entries(message.headers)) headers[name] = header.value;
    const eventType = headers[":event-type"];
    events.push({
      headers,
      eventType: typeof eventType === "string" ? eventType : undefined,
      payload: message.body.byteLength > 0 ? JSON.parse(toUtf8(message.body)) : undefined,
    });
    offset += length;
  }
  return events;
}
