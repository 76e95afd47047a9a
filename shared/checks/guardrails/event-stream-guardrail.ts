import type { RequestRecord } from "../../core/build-log-event.ts";
import { GatewayError } from "../../core/gateway-error.ts";
import {
  createEventStreamFrameReader,
  EventStreamFramingError,
} from "../../providers/aws-bedrock/event-stream.ts";
import {
  createEventStreamTextReader,
  eventStreamErrorFrame,
  unreadableEventStream,
} from "../text/event-stream-text.ts";

export interface EventStreamGuardrailOptions {
  /** Scans a text (and logs the verdict); the error that ends the stream, or null. */
  scan(text: string): Promise<Error | null>;
  /** New text scanned each time this many characters have arrived, and at the end. */
  windowChars: number;
  /** The end of the text scanned last, sent again before the next window. */
  overlapChars: number;
  record: RequestRecord;
}

/**
 * The response guardrail on an AWS event stream (Bedrock's converse-stream and invoke-with-response-stream),
 * with the windows of the SSE one (response-guardrail.ts): frames are held only while text they carry is
 * unscanned; each `windowChars` of new text, and the end, is scanned. A block drops the held frames and ends
 * the stream with the exception frame Bedrock would send (event-stream-text.ts), which the AWS SDK throws; the
 * row is failed with the guardrail's error and the answer not cached, since this framing has no error event
 * the surface could write. A stream that cannot be read fails rather than pass unscanned.
 * A web Transformer (the object a TransformStream takes), so the pipeline may run it without web streams.
 */
export function createEventStreamGuardrail(
  options: EventStreamGuardrailOptions,
): Transformer<Uint8Array, Uint8Array> {
  const frames = createEventStreamFrameReader();
  const text = createEventStreamTextReader();
  let held: Uint8Array[] = [];
  let unscanned = "";
  let overlap = "";
  let ended = false;

  const release = (controller: TransformStreamDefaultController<Uint8Array>) => {
    if (held.length === 1) controller.enqueue(held[0] as Uint8Array);
    else if (held.length > 1) controller.enqueue(Buffer.concat(held));
    held = [];
  };
  const block = (controller: TransformStreamDefaultController<Uint8Array>, refusal: Error) => {
    ended = true;
    held = [];
    if (!(refusal instanceof GatewayError)) return controller.error(refusal);
    options.record.responseRefused = true;
    options.record.checkFields = {
      ...options.record.checkFields,
      error: { code: refusal.code, message: refusal.message },
    };
    controller.enqueue(eventStreamErrorFrame(refusal));
    controller.terminate();
  };
  const scanHeld = async (controller: TransformStreamDefaultController<Uint8Array>) => {
    const refusal = await options.scan(overlap + unscanned);
    if (refusal) return block(controller, refusal);
    overlap = unscanned.slice(-options.overlapChars);
    unscanned = "";
    release(controller);
  };
  const fail = (controller: TransformStreamDefaultController<Uint8Array>, error: unknown) => {
    if (!(error instanceof EventStreamFramingError)) throw error;
    ended = true;
    held = [];
    controller.error(unreadableEventStream(error));
  };

  return {
    async transform(chunk, controller) {
      if (ended) return;
      try {
        for (const frame of frames.push(chunk)) {
          held.push(frame);
          unscanned += text
            .read(frame)
            .slots.map((slot) => slot.text)
            .join("");
        }
      } catch (error) {
        return fail(controller, error);
      }
      if (unscanned.length >= options.windowChars) return scanHeld(controller);
      // No unscanned text is held: the frames go on at once.
      if (unscanned === "") release(controller);
    },
    async flush(controller) {
      if (ended) return;
      if (frames.pendingBytes > 0) {
        return fail(controller, new EventStreamFramingError("the event stream ended inside a frame"));
      }
      if (unscanned.trim() !== "") return scanHeld(controller);
      release(controller);
    },
  };
}
