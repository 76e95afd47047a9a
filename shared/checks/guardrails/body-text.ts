import { parseJsonBody, requestTexts } from "../text/request-text.ts";
import { responseTexts } from "../text/response-text.ts";
import { detectStreamFormat, eventTextSlots, type StreamFormat } from "../text/stream-text.ts";

/**
 * The text a guardrail scans, from the shared text extraction (shared/checks/text/, also DLP's): what a
 * provider reads in a request (message contents, system prompts, tool-call arguments and results, the
 * Responses API's input and instructions; never base64 or data URLs), and what a user sees in an answer.
 */

/** The words of a JSON request body, one string per line; empty for a body that is not JSON. */
export function requestBodyText(body: Uint8Array | null): string {
  return requestTexts(parseJsonBody(body))
    .map((found) => found.text)
    .join("\n");
}

/** The words of a whole JSON answer, one string per line; empty for a body that is not JSON. */
export function responseBodyText(body: Uint8Array | null): string {
  return responseTexts(parseJsonBody(body))
    .map((found) => found.text)
    .join("\n");
}

/**
 * Reads the text deltas of one stream's events. The stream's format is told by its first event that tells
 * (OpenAI, Anthropic, Gemini, Responses, Workers AI: stream-text.ts); events that only repeat text already
 * streamed count for nothing. A stream in none of those formats (Cohere's) is read by a generic walk of its
 * events' `text` and `content` strings, so it is still scanned.
 */
export class StreamEventText {
  private format: StreamFormat | null = null;

  of(event: unknown): string {
    this.format ??= detectStreamFormat(event);
    if (this.format) {
      return eventTextSlots(this.format, event)
        .map((slot) => slot.text)
        .join("");
    }
    return genericText(event).join("");
  }
}

const GENERIC_TEXT_KEYS = new Set(["text", "content"]);

function genericText(value: unknown, underTextKey = false): string[] {
  if (typeof value === "string") return underTextKey ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((item) => genericText(item, underTextKey));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => genericText(child, GENERIC_TEXT_KEYS.has(key)));
}
