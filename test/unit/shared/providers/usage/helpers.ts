import { EventStreamCodec, type MessageHeaders } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { expect } from "vitest";
import type { UsageFormat } from "../../../../../shared/providers/registry.ts";
import { createUsageObserver } from "../../../../../shared/providers/usage/index.ts";
import type { TokenUsage } from "../../../../../shared/providers/usage/types.ts";

export const SSE = "text/event-stream";
export const JSON_TYPE = "application/json";
export const EVENTSTREAM = "application/vnd.amazon.eventstream";

const encoder = new TextEncoder();

export function bytesOf(body: string | Uint8Array): Uint8Array {
  return typeof body === "string" ? encoder.encode(body) : body;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** Cuts a body into pieces of `size` bytes (the last one shorter), ignoring any character boundary. */
export function splitEvery(body: Uint8Array, size: number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < body.byteLength; offset += size)
    pieces.push(body.slice(offset, offset + size));
  return pieces;
}

/** Feeds the chunks to a fresh observer, then finishes it. */
export function observe(format: UsageFormat, contentType: string | null, chunks: Uint8Array[]): TokenUsage {
  const observer = createUsageObserver(format, contentType);
  for (const chunk of chunks) observer.push(chunk);
  return observer.finish();
}

export function observeBody(
  format: UsageFormat,
  contentType: string | null,
  body: string | Uint8Array,
): TokenUsage {
  return observe(format, contentType, [bytesOf(body)]);
}

/**
 * Observes the body delivered as the given chunks, as one chunk, and with every chunk re-cut into 1-byte
 * and 7-byte pieces; every delivery must give `expected`.
 */
export function expectSameAcrossSplits(
  format: UsageFormat,
  contentType: string | null,
  chunks: (string | Uint8Array)[],
  expected: TokenUsage,
): void {
  const asBytes = chunks.map(bytesOf);
  const whole = concatBytes(asBytes);
  const deliveries: [string, Uint8Array[]][] = [
    ["as given", asBytes],
    ["one chunk", [whole]],
    ["1-byte pieces", asBytes.flatMap((chunk) => splitEvery(chunk, 1))],
    ["7-byte pieces", asBytes.flatMap((chunk) => splitEvery(chunk, 7))],
    ["7-byte pieces across chunks", splitEvery(whole, 7)],
  ];
  for (const [name, delivery] of deliveries) {
    expect(observe(format, contentType, delivery), name).toEqual(expected);
  }
}

/** One SSE event: optional `event:` line, the JSON (or raw string) data, and the blank line. */
export function sseEvent(data: unknown, event?: string): string {
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  return `${event === undefined ? "" : `event: ${event}\n`}data: ${payload}\n\n`;
}

/** SSE events named after their `type` field, as Anthropic, OpenAI Responses and Cohere v2 send them. */
export function typedSseEvents(events: { type: string; [key: string]: unknown }[]): string[] {
  return events.map((event) => sseEvent(event, event.type));
}

export function usage(partial: Partial<TokenUsage>): TokenUsage {
  return {
    tokensIn: null,
    tokensOut: null,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    model: null,
    ...partial,
  };
}

export const NO_USAGE = usage({});

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** A real AWS event-stream frame, as Bedrock sends it (with CRCs). */
export function eventFrame(eventType: string, payload: unknown, messageType = "event"): Uint8Array {
  const headers: MessageHeaders = {
    ":message-type": { type: "string", value: messageType },
    ":content-type": { type: "string", value: "application/json" },
  };
  if (messageType === "event") headers[":event-type"] = { type: "string", value: eventType };
  else headers[":exception-type"] = { type: "string", value: eventType };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(payload)) });
}

/** An InvokeModelWithResponseStream `chunk` frame: the model's JSON event, base64 in `bytes`. */
export function chunkFrame(modelEvent: unknown): Uint8Array {
  const bytes = Buffer.from(JSON.stringify(modelEvent), "utf8").toString("base64");
  return eventFrame("chunk", { bytes, p: "abcdefghij" });
}
