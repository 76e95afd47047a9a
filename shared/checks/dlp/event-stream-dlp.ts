import {
  createEventStreamFrameReader,
  EventStreamFramingError,
} from "../../providers/aws-bedrock/event-stream.ts";
import {
  createEventStreamTextReader,
  eventStreamErrorFrame,
  type FrameText,
  unreadableEventStream,
} from "../text/event-stream-text.ts";
import { type DlpStreamCallbacks, HeldEvents } from "./held-events.ts";
import type { ScanPlan } from "./scan-plan.ts";

/**
 * DLP on an AWS event stream (Bedrock's `converse-stream` and `invoke-with-response-stream`) as it passes,
 * with the same semantics as on SSE (sse-dlp-stream.ts): a frame is held only while its text lies in the
 * undecided tail; REDACT writes the frame anew (payload, base64 `bytes` and CRCs); BLOCK drops the held
 * frames and ends the stream with an exception frame the AWS SDK throws (event-stream-text.ts).
 * A stream that cannot be read (an impossible frame length, a failed checksum, a cut frame) is never
 * passed on unscanned: the held frames are dropped and the stream fails.
 * A web Transformer (the object a TransformStream takes), so the pipeline may run it without web streams.
 */
export function createEventStreamDlpTransformer(
  plan: ScanPlan,
  callbacks: DlpStreamCallbacks,
): Transformer<Uint8Array, Uint8Array> {
  const frames = createEventStreamFrameReader();
  const text = createEventStreamTextReader();
  /** What the current input chunk released: sent as one chunk, as the provider's chunk came. */
  let out: Uint8Array[] = [];
  let failed = false;
  const held = new HeldEvents<FrameText>(plan, callbacks, (frame, changed) => {
    out.push(changed ? frame.rewrite() : frame.bytes);
  });

  const sendOut = (controller: TransformStreamDefaultController<Uint8Array>) => {
    if (out.length === 1) controller.enqueue(out[0] as Uint8Array);
    else if (out.length > 1) controller.enqueue(Buffer.concat(out));
    out = [];
  };
  /** After a BLOCK: the frames released before it go first; the held ones (with the match) never do. */
  const endBlocked = (controller: TransformStreamDefaultController<Uint8Array>) => {
    out.push(eventStreamErrorFrame(callbacks.blockedError()));
    sendOut(controller);
    controller.terminate();
  };
  const fail = (controller: TransformStreamDefaultController<Uint8Array>, error: unknown) => {
    if (!(error instanceof EventStreamFramingError)) throw error;
    failed = true;
    controller.error(unreadableEventStream(error));
  };

  return {
    transform(chunk, controller) {
      if (held.blocked || failed) return;
      try {
        for (const bytes of frames.push(chunk)) {
          const frame = text.read(bytes);
          held.add(frame, frame.slots);
          if (held.blocked) return endBlocked(controller);
        }
      } catch (error) {
        return fail(controller, error);
      }
      sendOut(controller);
    },
    flush(controller) {
      if (held.blocked || failed) return;
      if (frames.pendingBytes > 0) {
        return fail(controller, new EventStreamFramingError("the event stream ended inside a frame"));
      }
      held.end();
      if (held.blocked) return endBlocked(controller);
      sendOut(controller);
    },
  };
}
