import type { GatewayError } from "../../core/gateway-error.ts";
import { createSseSplitter, formatSseEvent, type SseEvent } from "../text/sse-events.ts";
import {
  detectStreamFormat,
  eventTextSlots,
  type StreamFormat,
  streamErrorEvent,
  type TextSlot,
} from "../text/stream-text.ts";
import type { DlpHit, ScanPlan } from "./scan-plan.ts";
import { REDACTION } from "./scan-plan.ts";
import { redactSnapshot } from "./snapshot-redaction.ts";
import { StreamScanner } from "./stream-scanner.ts";

/** A text delta of a held event, with where its text sits in the stream's text. */
interface HeldSlot {
  slot: TextSlot;
  start: number;
  end: number;
}

interface HeldEvent {
  event: SseEvent;
  json: unknown;
  slots: HeldSlot[];
  /** Rewritten already (a Responses snapshot redacted): written back from `json`. */
  changed: boolean;
}

export interface SseDlpCallbacks {
  /** Hits as they are decided (the log and the outcome). */
  onHits(hits: readonly DlpHit[]): void;
  /** The error a BLOCK ends the stream with. */
  blockedError(): GatewayError;
  /** Called once when a BLOCK ended the stream (the response must not be cached). */
  onBlocked(): void;
}

const encoder = new TextEncoder();

/**
 * DLP on an SSE response as it passes. Events without text (a role chunk, message_start, usage) go on at
 * once unless an earlier event is held; an event with text is held only while some of its text lies in the
 * undecided tail (StreamScanner), so the client gets each event as soon as nothing later can change it.
 * REDACT rewrites the held events' text before they go; BLOCK drops every held event (the match is in
 * them, never sent), writes the format's in-band error event and ends the stream.
 */
export function createSseDlpStream(
  plan: ScanPlan,
  callbacks: SseDlpCallbacks,
  formatHint: StreamFormat | null,
): Transformer<Uint8Array, Uint8Array> {
  const splitter = createSseSplitter();
  const scanner = new StreamScanner(plan);
  const held: HeldEvent[] = [];
  const redactions: DlpHit[] = [];
  let format: StreamFormat | null = formatHint;
  let offset = 0;
  let blocked = false;
  /** What the current input chunk released: sent as one chunk, as the provider's chunk came. */
  let out = "";
  const sendOut = (controller: TransformStreamDefaultController<Uint8Array>) => {
    if (out.length > 0) controller.enqueue(encoder.encode(out));
    out = "";
  };

  const write = (item: HeldEvent) => {
    let changed = item.changed;
    for (const { slot, start, end } of item.slots) {
      const text = redactSlot(slot.text, start, end, redactions);
      if (text === slot.text) continue;
      slot.replace(text);
      changed = true;
    }
    const raw = changed ? formatSseEvent(item.event.event, JSON.stringify(item.json)) : item.event.raw;
    out += raw;
  };

  /** Acts on decided hits; `inStream`: their offsets are in the stream's text (not a snapshot's). */
  const apply = (
    controller: TransformStreamDefaultController<Uint8Array>,
    hits: readonly DlpHit[],
    inStream = true,
  ) => {
    if (hits.length === 0) return;
    callbacks.onHits(hits);
    if (hits.some((hit) => hit.entry.action === "BLOCK")) {
      blocked = true;
      held.length = 0;
      callbacks.onBlocked();
      // The events already released this chunk go first; the held ones (with the match) never do.
      out += streamErrorEvent(format ?? "openai", callbacks.blockedError());
      sendOut(controller);
      controller.terminate();
      return;
    }
    if (inStream) redactions.push(...hits.filter((hit) => hit.entry.action === "REDACT"));
  };

  const release = (all: boolean) => {
    while (held.length > 0) {
      const first = held[0] as HeldEvent;
      if (!all && first.slots.some((slot) => slot.end > scanner.decidedUpTo)) break;
      held.shift();
      write(first);
    }
  };

  const take = (controller: TransformStreamDefaultController<Uint8Array>, event: SseEvent) => {
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
    const slots: HeldSlot[] = [];
    const item: HeldEvent = { event, json, slots, changed: false };
    if (format && json !== undefined) {
      for (const slot of eventTextSlots(format, json)) {
        slots.push({ slot, start: offset, end: offset + slot.text.length });
        offset += slot.text.length;
        apply(controller, scanner.push(slot.text));
        if (blocked) return;
      }
      if (format === "responses" && slots.length === 0) {
        const snapshot = redactSnapshot(plan, json);
        if (snapshot.hits.length > 0) {
          apply(controller, snapshot.hits, false);
          if (blocked) return;
          item.json = snapshot.json;
          item.changed = snapshot.json !== json;
        }
      }
    }
    held.push(item);
    release(false);
  };

  return {
    transform(chunk, controller) {
      if (blocked) return;
      for (const event of splitter.push(chunk)) {
        take(controller, event);
        if (blocked) return;
      }
      sendOut(controller);
    },
    flush(controller) {
      if (blocked) return;
      for (const event of splitter.end()) {
        take(controller, event);
        if (blocked) return;
      }
      apply(controller, scanner.end());
      if (blocked) return;
      release(true);
      sendOut(controller);
    },
  };
}

/**
 * A slot's text with the redacted ranges (absolute offsets, merged where they overlap) cut out: the
 * marker goes where a range starts, so a match split across events is one marker in the first event
 * and nothing in the next.
 */
function redactSlot(text: string, slotStart: number, slotEnd: number, hits: readonly DlpHit[]): string {
  const ranges: { start: number; end: number }[] = [];
  for (const hit of [...hits].sort((a, b) => a.start - b.start)) {
    const last = ranges.at(-1);
    if (last && hit.start <= last.end) last.end = Math.max(last.end, hit.end);
    else ranges.push({ start: hit.start, end: hit.end });
  }
  let result = "";
  let at = 0;
  for (const range of ranges) {
    if (range.end <= slotStart || range.start >= slotEnd) continue;
    const start = Math.max(range.start, slotStart) - slotStart;
    const end = Math.min(range.end, slotEnd) - slotStart;
    result += text.slice(at, start);
    if (range.start >= slotStart) result += REDACTION;
    at = end;
  }
  return result + text.slice(at);
}
