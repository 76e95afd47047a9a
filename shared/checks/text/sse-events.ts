/**
 * A server-sent event as received: its raw text (kept byte for byte, so an event passed on unchanged is
 * exactly what the provider sent), its `event:` name and its joined `data:` lines.
 */
export interface SseEvent {
  raw: string;
  event: string | null;
  data: string | null;
}

/** Whether a response is server-sent events (`text/event-stream`, parameters aside). */
export function isSseContentType(contentType: string | null): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "text/event-stream";
}

const BOUNDARY = /\r\n\r\n|\n\n|\r\r/;

/**
 * Splits an SSE byte stream into events incrementally: `push` returns the events completed by a chunk
 * (an event split across chunks is returned once whole), `end` returns what is left (an unterminated
 * last event). Decoding is streaming UTF-8, so a character split across chunks is kept whole.
 */
export function createSseSplitter() {
  const decoder = new TextDecoder();
  let pending = "";

  const take = (final: boolean): SseEvent[] => {
    const events: SseEvent[] = [];
    for (;;) {
      const match = BOUNDARY.exec(pending);
      if (!match) break;
      const end = match.index + match[0].length;
      events.push(parseSseEvent(pending.slice(0, end)));
      pending = pending.slice(end);
    }
    if (final && pending.length > 0) {
      events.push(parseSseEvent(pending));
      pending = "";
    }
    return events;
  };

  return {
    push(chunk: Uint8Array): SseEvent[] {
      pending += decoder.decode(chunk, { stream: true });
      return take(false);
    },
    end(): SseEvent[] {
      pending += decoder.decode();
      return take(true);
    },
  };
}

/** One event's fields from its raw text (comments and unknown fields ignored, as the SSE spec says). */
export function parseSseEvent(raw: string): SseEvent {
  let event: string | null = null;
  const data: string[] = [];
  for (const line of raw.split(/\r\n|\n|\r/)) {
    const colon = line.indexOf(":");
    if (colon === 0 || line.length === 0) continue;
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return { raw, event, data: data.length > 0 ? data.join("\n") : null };
}

/** An event written back with a new data payload (its `event:` name kept). */
export function formatSseEvent(event: string | null, data: string): string {
  return `${event === null ? "" : `event: ${event}\n`}data: ${data}\n\n`;
}
