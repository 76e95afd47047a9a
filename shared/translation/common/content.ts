import { GatewayError } from "../../core/gateway-error.ts";
import type { OpenAIChatMessage, OpenAIContentPart } from "../openai/chat-schema.ts";

export interface DataUrl {
  mediaType: string;
  base64: string;
}

/** `data:image/png;base64,....` -> its media type and base64 payload; undefined for any other URL. */
export function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (match === null) return undefined;
  return { mediaType: (match[1] ?? "").toLowerCase(), base64: match[2] ?? "" };
}

export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** Text of a string-or-parts content; refusal parts of assistant messages count as text. */
export function contentText(content: OpenAIChatMessage["content"]): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  return content
    .map((part) => {
      if (part.type === "text") return part.text;
      if (part.type === "refusal") return part.refusal;
      return "";
    })
    .join("");
}

/** The content as parts, a plain string being one text part. */
export function contentParts(content: string | OpenAIContentPart[]): OpenAIContentPart[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

export function refuseContentPart(part: OpenAIContentPart, provider: string): never {
  throw GatewayError.badRequest(`Content part type "${part.type}" is not supported for provider ${provider}`);
}

/** Gemini and Bedrock take image bytes only; the gateway never fetches a URL on the caller's behalf. */
export function requireDataUrl(url: string, provider: string): DataUrl {
  const data = parseDataUrl(url);
  if (data !== undefined) return data;
  throw GatewayError.badRequest(
    `image_url: provider ${provider} accepts images only as base64 data URLs (data:image/...;base64,...); ` +
      "the gateway does not fetch remote images",
  );
}

/** System and developer messages become the provider's system instruction. */
export function isSystemLike(message: OpenAIChatMessage): boolean {
  return message.role === "system" || message.role === "developer";
}

/**
 * Groups consecutive turns of the same provider role into one turn: Bedrock requires alternating roles,
 * and Anthropic and Gemini want all results of parallel tool calls in the one user turn that follows.
 */
export function mergeAdjacentTurns<Turn extends { role: string }, Block>(
  turns: Array<Turn & { blocks: Block[] }>,
): Array<{ role: Turn["role"]; blocks: Block[] }> {
  const merged: Array<{ role: Turn["role"]; blocks: Block[] }> = [];
  for (const turn of turns) {
    const last = merged.at(-1);
    if (last !== undefined && last.role === turn.role) last.blocks.push(...turn.blocks);
    else merged.push({ role: turn.role, blocks: [...turn.blocks] });
  }
  return merged;
}
