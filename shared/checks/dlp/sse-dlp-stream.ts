import { createSseSplitter, formatSseEvent, type SseEvent } from "../text/sse-events.ts";
import {
  detectStreamFormat,
  eventTextSlots,
  type StreamFormat,
  streamErrorEvent,
} from "../text/stream-text.ts";
import { type DlpStreamCallbacks, HeldEvents } from "./held-events.ts";
import type { ScanPlan } from "./scan-plan.ts";
import { redactSnapshot } from "./snapshot-redaction.ts";

/** The callbacks of a streamed DLP check (held-events.ts), under the name the SSE framing first gave them. */
export type SseDlpCallbacks = DlpStreamCallbacks;

interface ParsedEvent {
  event: SseEvent;
  json: unknown;
}

const encoder = new TextEncoder();

/**
 * DLP on an SSE response as it passes. Events without text (a role chunk, message_start, usage) go on at
 * once unless an earlier event is held; an event with text is held only while some of its text lies in the
 * undecided tail (held-events.ts), so the client gets each event as soon as nothing later can change it.
 * REDACT rewrites the held events' text before they go; BLOCK drops every held event (the match is in
 * them, never sent), writes the format's in-band error event and ends the stream.
 */
export function createSseDlpStream(
  plan: ScanPlan,
  callbacks: SseDlpCallbacks,
  formatHint: StreamFormat | null,
): Transformer<Uint8Array, Uint8Array> {
  const splitter = createSseSplitter();
  let format: StreamFormat | null = formatHint;
  /** What the current input chunk released: sent as one chunk, as the provider's chunk came. */
  let out = "";
  const held = new HeldEvents<ParsedEvent>(plan, callbacks, ({ event, json }, changed) => {
    out += changed ? formatSseEvent(event.event, JSON.stringify(json)) : event.raw;
  });
  const sendOut = (controller: TransformStreamDefaultController<Uint8Array>) => {
    if (out.length > 0) controller.enqueue(encoder.encode(out));
    out = "";
  };
  /** After a BLOCK: the events released before it go first; the held ones (with the match) never do. */
  const endBlocked = (controller: TransformStreamDefaultController<Uint8Array>) => {
    out += streamErrorEvent(format ?? "openai", callbacks.blockedError());
    sendOut(controller);
    controller.terminate();
  };

  const take = (event: SseEvent) => {
    let json: unknown;
    const data = event.data;
    if (data?.startsWith("{")) {
      try {
        json = JSON.parse(data);
      } catch {
        json = undefined;
      }
    }
    format ??= detectStreamFormat(json);
    const slots = format && json !== undefined ? eventTextSlots(format, json) : [];
    if (format === "responses" && json !== undefined && slots.length === 0) {
      const snapshot = redactSnapshot(plan, json);
      if (snapshot.hits.length > 0) {
        held.decided(snapshot.hits, false);
        held.add({ event, json: snapshot.json }, [], snapshot.json !== json);
        return;
      }
    }
    held.add({ event, json }, slots);
  };

  return {
    transform(chunk, controller) {
      if (held.blocked) return;
      for (const event of splitter.push(chunk)) {
        take(event);
        if (held.blocked) return endBlocked(controller);
      }
      sendOut(controller);
    },
    flush(controller) {
      if (held.blocked) return;
      for (const event of splitter.end()) {
        take(event);
        if (held.blocked) return endBlocked(controller);
      }
      held.end();
      if (held.blocked) return endBlocked(controller);
      sendOut(controller);
    },
  };
}
