import { ERROR_CODES, GatewayError } from "../../core/gateway-error.ts";
import {
  decodeEventStreamFrame,
  type EventStreamFramingError,
  type EventStreamMessage,
  encodeEventStreamFrame,
  encodeExceptionFrame,
} from "../../providers/aws-bedrock/event-stream.ts";
import { detectStreamFormat, eventTextSlots, type StreamFormat, type TextSlot } from "./stream-text.ts";

/**
 * The text of Bedrock's binary event streams, frame by frame, for the response checks:
 * - ConverseStream (`converse-stream`): `contentBlockDelta` events, whose `delta` carries `text`,
 *   `toolUse.input` (tool arguments, a JSON fragment), `reasoningContent.text` or `toolResult[].text`
 *   (API_runtime_ContentBlockDelta; `reasoningContent.redactedContent` is base64 and `citation` quotes a
 *   source document, neither is read).
 * - InvokeModelWithResponseStream (`invoke-with-response-stream`): `chunk` events, `{"bytes": base64}`,
 *   the bytes being one event of the model's own stream: Anthropic's Messages events for Claude (read as the
 *   "anthropic" format), Chat Completions chunks (Jamba, gpt-oss: "openai"), or a Bedrock-native shape:
 *   Llama `generation`, Titan `outputText`, Mistral `outputs[].text`, Claude Text Completions `completion`,
 *   Cohere `text` (Command, and Command R's `text-generation` events), Nova `contentBlockDelta.delta`.
 * Bytes that are not JSON are read whole as text. Other frames (messageStart, metadata, exceptions) carry no
 * text and pass as they are.
 */

/** A frame with its text slots; `rewrite` writes it back once slots were replaced (payload and CRCs anew). */
export interface FrameText {
  bytes: Uint8Array;
  slots: TextSlot[];
  rewrite(): Uint8Array;
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  Boolean(value) && typeof value === "object" && !Array.isArray(value);

const objects = (value: unknown): JsonObject[] => (Array.isArray(value) ? value.filter(isObject) : []);

function slot(holder: unknown, key: string): TextSlot[] {
  if (!isObject(holder)) return [];
  const text = holder[key];
  if (typeof text !== "string" || text.length === 0) return [];
  return [
    {
      text,
      replace: (next) => {
        holder[key] = next;
      },
    },
  ];
}

/** ConverseStream's ContentBlockDelta (and Nova's invoke events, which use the same member names). */
function contentBlockDeltaSlots(delta: unknown): TextSlot[] {
  if (!isObject(delta)) return [];
  return [
    ...slot(delta, "text"),
    ...slot(delta.toolUse, "input"),
    ...slot(delta.reasoningContent, "text"),
    ...objects(delta.toolResult).flatMap((result) => slot(result, "text")),
  ];
}

/** The Bedrock-native model events of InvokeModelWithResponseStream (the fields each model documents). */
function nativeModelSlots(event: JsonObject): TextSlot[] {
  if (isObject(event.contentBlockDelta)) return contentBlockDeltaSlots(event.contentBlockDelta.delta);
  const cohereText = event.event_type === undefined || event.event_type === "text-generation";
  return [
    ...slot(event, "generation"),
    ...slot(event, "outputText"),
    ...slot(event, "completion"),
    ...objects(event.outputs).flatMap((output) => slot(output, "text")),
    ...(cohereText ? slot(event, "text") : []),
  ];
}

/**
 * Reads the frames of one stream. The model format inside `chunk` events is told by the first chunk that
 * tells (as for SSE streams); until then, and for models in none of the SSE formats, the native fields.
 */
export function createEventStreamTextReader() {
  let format: StreamFormat | null = null;

  const chunkSlots = (event: unknown): TextSlot[] => {
    format ??= detectStreamFormat(event);
    if (format) return eventTextSlots(format, event);
    return isObject(event) ? nativeModelSlots(event) : [];
  };

  return {
    /** A whole frame's text slots; throws EventStreamFramingError when it does not decode. */
    read(bytes: Uint8Array): FrameText {
      const message = decodeEventStreamFrame(bytes);
      const none: FrameText = { bytes, slots: [], rewrite: () => bytes };
      // The SDK reads a frame without `:message-type` as an event, so it is read as one here too.
      const messageType = message.headers[":message-type"]?.value;
      if (messageType === "exception" || messageType === "error") return none;
      const eventType = message.headers[":event-type"]?.value;
      if (eventType !== "contentBlockDelta" && eventType !== "chunk") return none;
      const payload = parseJson(new TextDecoder().decode(message.body));
      if (!isObject(payload)) return none;
      if (eventType === "contentBlockDelta") {
        const slots = contentBlockDeltaSlots(payload.delta);
        return { bytes, slots, rewrite: () => withBody(message, JSON.stringify(payload)) };
      }
      if (typeof payload.bytes !== "string") return none;
      const inner = Buffer.from(payload.bytes, "base64").toString("utf8");
      const event = parseJson(inner);
      const rewriteBytes = (text: string) => {
        payload.bytes = Buffer.from(text, "utf8").toString("base64");
        return withBody(message, JSON.stringify(payload));
      };
      if (event === undefined) {
        // Not JSON (no model streams such bytes): the decoded text is read whole rather than passed unread.
        let text = inner;
        const replace = (next: string) => {
          text = next;
        };
        const slots: TextSlot[] = inner.length > 0 ? [{ text: inner, replace }] : [];
        return { bytes, slots, rewrite: () => rewriteBytes(text) };
      }
      const slots = chunkSlots(event);
      return { bytes, slots, rewrite: () => rewriteBytes(JSON.stringify(event)) };
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function withBody(message: EventStreamMessage, body: string): Uint8Array {
  return encodeEventStreamFrame({ headers: message.headers, body: new TextEncoder().encode(body) });
}

/**
 * The exception frame that ends an event stream with a gateway error, as Bedrock ends one that fails
 * mid-stream: the exception member both ConverseStreamOutput and ResponseStream define for the status
 * (429 `throttlingException`, 503 `serviceUnavailableException`, other 5xx `internalServerException`,
 * 4xx `validationException`), so the AWS SDK throws that class from the stream with the message, which
 * names the gateway's check and code.
 */
export function eventStreamErrorFrame(error: GatewayError): Uint8Array {
  return encodeExceptionFrame(exceptionTypeFor(error.status), `${error.publicMessage} (code ${error.code})`);
}

function exceptionTypeFor(status: number): string {
  if (status === 429) return "throttlingException";
  if (status === 503) return "serviceUnavailableException";
  if (status >= 500) return "internalServerException";
  return "validationException";
}

/**
 * How a check fails a stream it could not read (a failed checksum, an impossible length, a cut frame): the
 * provider's stream was broken (502, 7009), and what it held is not passed on unscanned.
 */
export function unreadableEventStream(cause: EventStreamFramingError): GatewayError {
  return new GatewayError({
    status: 502,
    code: ERROR_CODES.upstreamUnavailable,
    message: "The provider's event stream could not be read, so it was not passed on unscanned",
    cause,
  });
}
