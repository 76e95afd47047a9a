import type { UsageFormat } from "../provider-definition.ts";
import { usageExtractorFor } from "../registry.ts";
import {
  type BodyDecoder,
  createBufferedBody,
  createEventStreamDecoder,
  createNdjsonDecoder,
  createSseDecoder,
} from "./body-decoders.ts";
import { isRecord } from "./json-values.ts";
import type { TokenUsage, UsageObserver } from "./types.ts";
import { emptyUsage, UsageAccumulator } from "./usage-accumulator.ts";

type BodyKind = "sse" | "eventstream" | "ndjson" | "json";

const NDJSON_TYPES = new Set([
  "application/x-ndjson",
  "application/ndjson",
  "application/jsonl",
  "application/x-jsonlines",
  "application/stream+json",
]);

function bodyKindOf(contentType: string | null): BodyKind {
  const mediaType = contentType?.split(";", 1)[0]?.trim().toLowerCase() ?? "";
  if (mediaType === "text/event-stream") return "sse";
  if (mediaType === "application/vnd.amazon.eventstream") return "eventstream";
  if (NDJSON_TYPES.has(mediaType)) return "ndjson";
  return "json";
}

const USAGE_WORDS = /usage|[Tt]okens|TokenCount/;

/**
 * Whether a stream event may hold usage. Stream events are many and mostly content deltas, so only the
 * first event (which names the model for most providers) and events mentioning a token count are
 * JSON-parsed. Every usage shape we read contains one of these words: `usage` (OpenAI, Anthropic,
 * Cohere v2, Bedrock, Gemini's `usageMetadata`), `tokens` (Cohere v1 `billed_units.input_tokens`, Llama),
 * `TokenCount` (Bedrock invocation metrics). A false positive only costs a parse. One regular expression
 * reads the text once, where four `includes` read it up to four times (twice the CPU on a 50-event stream).
 */
function mightCarryUsage(text: string): boolean {
  return USAGE_WORDS.test(text);
}

function looksLikeSse(text: string): boolean {
  const start = text.trimStart();
  return (
    start.startsWith("data:") ||
    start.startsWith("event:") ||
    start.startsWith(":") ||
    start.startsWith("id:")
  );
}

const NONE_OBSERVER: UsageObserver = { push: () => {}, finish: emptyUsage };

/**
 * Creates the observer for one response. `format` is the provider's usage format (registry);
 * `contentType` the response's Content-Type, which selects the framing:
 * - `text/event-stream`: SSE parsed incrementally, each event's data JSON-parsed (`[DONE]` ignored);
 * - `application/vnd.amazon.eventstream`: AWS binary frames decoded incrementally (ConverseStream
 *   `metadata`, InvokeModelWithResponseStream `chunk` events whose base64 `bytes` hold the model's JSON);
 * - NDJSON types (Cohere v1 streams): each line JSON-parsed;
 * - anything else: a plain body, kept up to 8 MiB and parsed once in `finish` (past the cap: all nulls).
 *   A JSON array (Gemini's `streamGenerateContent` without `alt=sse`) is read element by element, and a
 *   body that is not JSON but SSE or NDJSON under the wrong content type is still read.
 *
 * Memory stays bounded whatever the stream's length: only the unfinished event, line or frame is kept.
 *
 * After a client abort, `finish` reports the latest figures the provider had sent by then; output is never
 * estimated from the content. OpenAI, Cohere and Bedrock Converse send usage only at the end, so a cut
 * stream gives nulls. Anthropic sends input and cache figures in `message_start`: a cut stream gives those,
 * with the output of the last `message_delta` received or, if none came, `message_start`'s own output
 * count (a lower bound, usually 1). Gemini: the counts of the last chunk received.
 */
export function createUsageObserver(format: UsageFormat, contentType: string | null): UsageObserver {
  // The extractor of the provider rows that read this format (shared/providers/registry.ts).
  const extract = usageExtractorFor(format);
  if (extract === undefined) return NONE_OBSERVER;
  const accumulator = new UsageAccumulator();
  let eventsSeen = 0;

  const applyValue = (value: unknown) => {
    if (Array.isArray(value)) {
      for (const element of value) applyValue(element);
      return;
    }
    const patch = extract(value);
    if (patch !== null) accumulator.apply(patch);
  };
  const applyText = (text: string, always: boolean) => {
    const first = eventsSeen === 0;
    eventsSeen++;
    if (!always && !first && !mightCarryUsage(text)) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return; // a malformed event teaches nothing; the next one may
    }
    applyValue(value);
  };
  const onEvent = (text: string) => applyText(text, false);

  const decodeStreamedText = (text: string) => {
    const bytes = new TextEncoder().encode(text);
    const decoder = looksLikeSse(text) ? createSseDecoder(onEvent) : createNdjsonDecoder(onEvent);
    decoder.push(bytes);
    decoder.end();
  };

  const utf8 = new TextDecoder();
  let decoder: BodyDecoder;
  switch (bodyKindOf(contentType)) {
    case "sse":
      decoder = createSseDecoder(onEvent);
      break;
    case "ndjson":
      decoder = createNdjsonDecoder(onEvent);
      break;
    case "eventstream":
      decoder = createEventStreamDecoder((eventType, body) => {
        const text = utf8.decode(body);
        if (eventType === "chunk") {
          // InvokeModelWithResponseStream: `{"bytes":"<base64 of the model's JSON event>"}`.
          const bytes = parseChunkBytes(text);
          if (bytes !== null) applyText(bytes, false);
          return;
        }
        applyText(text, eventType === "metadata");
      });
      break;
    case "json":
      decoder = createBufferedBody((text) => {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          decodeStreamedText(text);
          return;
        }
        applyValue(value);
      });
      break;
  }

  let failed = false;
  let result: TokenUsage | null = null;
  return {
    push(chunk) {
      if (failed || result !== null) return;
      try {
        decoder.push(chunk);
      } catch {
        failed = true; // never reached by design; keep what was learned and stop reading
      }
    },
    finish() {
      if (result !== null) return result;
      if (!failed) {
        try {
          decoder.end();
        } catch {
          // as above
        }
      }
      result = accumulator.result();
      return result;
    },
  };
}

function parseChunkBytes(text: string): string | null {
  let outer: unknown;
  try {
    outer = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(outer) || typeof outer.bytes !== "string") return null;
  return Buffer.from(outer.bytes, "base64").toString("utf8");
}
