import type { GatewayError } from "../../core/gateway-error.ts";
import { type ErrorDialect, errorBody } from "../../http/error-response.ts";

/** The streamed response formats whose text deltas the gateway reads. */
export type StreamFormat = "openai" | "anthropic" | "gemini" | "responses" | "workers-ai";

/** One text delta of an event: what it says, and how to change it in place (on the parsed event). */
export interface TextSlot {
  text: string;
  replace(text: string): void;
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  Boolean(value) && typeof value === "object" && !Array.isArray(value);

function slot(holder: JsonObject, key: string): TextSlot[] {
  const text = holder[key];
  if (typeof text !== "string" || text.length === 0) return [];
  const replace = (next: string) => {
    holder[key] = next;
  };
  return [{ text, replace }];
}

const objects = (value: unknown): JsonObject[] => (Array.isArray(value) ? value.filter(isObject) : []);

/**
 * Which format a streamed event is in, from its shape (the first event that tells decides the stream):
 * OpenAI chunks have `choices`, Anthropic events a `type` among its message/content_block events,
 * Responses events a `type` starting `response.`, Gemini chunks `candidates`, Workers AI a `response`
 * string.
 */
export function detectStreamFormat(event: unknown): StreamFormat | null {
  if (!isObject(event)) return null;
  const type = event.type;
  if (typeof type === "string") {
    if (type.startsWith("response.")) return "responses";
    if (type.startsWith("message_") || type.startsWith("content_block_") || type === "ping")
      return "anthropic";
  }
  if (Array.isArray(event.choices)) return "openai";
  if (Array.isArray(event.candidates)) return "gemini";
  if (typeof event.response === "string") return "workers-ai";
  return null;
}

/**
 * The text deltas an event carries, in the order the user reads them: content and tool call arguments
 * (OpenAI `choices[].delta`, completions `choices[].text`), Anthropic `text_delta` / `input_json_delta`,
 * Gemini `candidates[].content.parts[].text`, Responses `response.*.delta`, Workers AI `response`.
 * Events that only repeat text already streamed (Responses `*.done`, `response.completed`) carry none
 * here: whole-text snapshots are rewritten with the response-body helpers instead.
 */
export function eventTextSlots(format: StreamFormat, event: unknown): TextSlot[] {
  if (!isObject(event)) return [];
  switch (format) {
    case "openai":
      return objects(event.choices).flatMap((choice) => {
        const delta = isObject(choice.delta) ? choice.delta : undefined;
        if (!delta) return slot(choice, "text");
        return [
          ...slot(delta, "content"),
          ...objects(delta.tool_calls).flatMap((call) =>
            isObject(call.function) ? slot(call.function, "arguments") : [],
          ),
        ];
      });
    case "anthropic": {
      if (event.type !== "content_block_delta" || !isObject(event.delta)) return [];
      return [...slot(event.delta, "text"), ...slot(event.delta, "partial_json")];
    }
    case "gemini":
      return objects(event.candidates).flatMap((candidate) =>
        isObject(candidate.content)
          ? objects(candidate.content.parts).flatMap((part) => slot(part, "text"))
          : [],
      );
    case "responses":
      return typeof event.type === "string" && event.type.endsWith(".delta") ? slot(event, "delta") : [];
    case "workers-ai":
      return slot(event, "response");
  }
}

/** The error dialect an in-band error event of each format is written in. */
const STREAM_DIALECT: Record<StreamFormat, ErrorDialect> = {
  openai: "openai",
  anthropic: "anthropic",
  gemini: "google",
  responses: "openai",
  "workers-ai": "cloudflare",
};

/**
 * The SSE event that ends a stream with an error, in the format's own shape: OpenAI `data: {error}`,
 * Anthropic `event: error` with `{type:"error", error}`, Gemini `data: {error:{code,message,status}}`,
 * Responses `event: error` with `{type:"error", code, message}`, Workers AI the Cloudflare envelope.
 */
export function streamErrorEvent(format: StreamFormat, error: GatewayError): string {
  if (format === "responses") {
    const data = { type: "error", code: String(error.code), message: error.publicMessage, param: null };
    return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
  }
  const data = JSON.stringify(errorBody(error, STREAM_DIALECT[format]));
  return format === "anthropic" ? `event: error\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}
