import type { GatewayError } from "../../core/gateway-error.ts";
import type { TextSlot } from "../text/stream-text.ts";
import type { DlpHit, ScanPlan } from "./scan-plan.ts";
import { REDACTION } from "./scan-plan.ts";
import { StreamScanner } from "./stream-scanner.ts";

export interface DlpStreamCallbacks {
  /** Hits as they are decided (the log and the outcome). */
  onHits(hits: readonly DlpHit[]): void;
  /** The error a BLOCK ends the stream with. */
  blockedError(): GatewayError;
  /** Called once when a BLOCK ended the stream (the response must not be cached). */
  onBlocked(): void;
}

/** A text delta of a held event, with where its text sits in the stream's text. */
interface HeldSlot {
  slot: TextSlot;
  start: number;
  end: number;
}

interface Held<E> {
  event: E;
  slots: HeldSlot[];
  changed: boolean;
}

/**
 * The framing-independent half of DLP on a stream (SSE events or AWS event-stream frames): the stream's
 * text runs through one StreamScanner, and each event is held only while some of its text lies in the
 * undecided tail, so the client gets it as soon as nothing later can change it. Released events go to
 * `write` in order, their slots already redacted (`changed`: the event must be written anew). A BLOCK
 * drops every held event (the match is in them) and sets `blocked`: the framing then writes its own
 * in-band error and ends the stream.
 */
export class HeldEvents<E> {
  private readonly scanner: StreamScanner;
  private readonly held: Held<E>[] = [];
  private readonly redactions: DlpHit[] = [];
  private offset = 0;
  private stopped = false;

  constructor(
    plan: ScanPlan,
    private readonly callbacks: DlpStreamCallbacks,
    private readonly write: (event: E, changed: boolean) => void,
  ) {
    this.scanner = new StreamScanner(plan);
  }

  /** A BLOCK was decided: nothing more is written. */
  get blocked(): boolean {
    return this.stopped;
  }

  /** Adds an event with its text slots in reading order; `changed`: rewritten already (a snapshot redacted). */
  add(event: E, slots: readonly TextSlot[], changed = false): void {
    if (this.stopped) return;
    const item: Held<E> = { event, slots: [], changed };
    for (const slot of slots) {
      item.slots.push({ slot, start: this.offset, end: this.offset + slot.text.length });
      this.offset += slot.text.length;
      this.decided(this.scanner.push(slot.text));
      if (this.stopped) return;
    }
    this.held.push(item);
    this.release(false);
  }

  /**
   * Acts on decided hits: reported, BLOCK stops the stream, REDACT is applied to the held slots it covers.
   * `inStream: false` for hits in a whole-text snapshot (their offsets are not the stream's).
   */
  decided(hits: readonly DlpHit[], inStream = true): void {
    if (hits.length === 0 || this.stopped) return;
    this.callbacks.onHits(hits);
    if (hits.some((hit) => hit.entry.action === "BLOCK")) {
      this.stopped = true;
      this.held.length = 0;
      this.callbacks.onBlocked();
      return;
    }
    if (inStream) this.redactions.push(...hits.filter((hit) => hit.entry.action === "REDACT"));
  }

  /** The stream's text is complete: the rest is decided and every held event released. */
  end(): void {
    if (this.stopped) return;
    this.decided(this.scanner.end());
    if (!this.stopped) this.release(true);
  }

  private release(all: boolean): void {
    while (this.held.length > 0) {
      const first = this.held[0] as Held<E>;
      if (!all && first.slots.some((slot) => slot.end > this.scanner.decidedUpTo)) break;
      this.held.shift();
      let changed = first.changed;
      for (const { slot, start, end } of first.slots) {
        const text = redactSlot(slot.text, start, end, this.redactions);
        if (text === slot.text) continue;
        slot.replace(text);
        changed = true;
      }
      this.write(first.event, changed);
    }
  }
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
