/** One server-sent event of a logged stream: its event name (if any) and its data. */
export interface StreamEvent {
  event: string | null;
  data: string;
}

/** Splits a logged `text/event-stream` body into its events; null when the text is not one. */
export function parseEventStream(text: string): StreamEvent[] | null {
  if (!/^(?:(?:data|event|id|retry):|:)/.test(text.trimStart())) return null;
  const events: StreamEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event: string | null = null;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (event !== null || data.length > 0) events.push({ event, data: data.join("\n") });
  }
  return events;
}

/**
 * The text a stream carried, reassembled from the deltas of the wire formats the gateway speaks:
 * OpenAI's chat and responses, Anthropic's messages, Gemini's candidates. Unknown shapes add nothing.
 */
export function reassembleText(events: StreamEvent[]): string {
  let text = "";
  for (const { data } of events) {
    if (!data.startsWith("{")) continue;
    let chunk: Record<string, unknown>;
    try {
      chunk = JSON.parse(data) as Record<string, unknown>;
    } catch {
      continue;
    }
    text += deltaText(chunk);
  }
  return text;
}

function deltaText(chunk: Record<string, unknown>): string {
  const choices = chunk.choices as { delta?: { content?: unknown } }[] | undefined;
  const content = choices?.[0]?.delta?.content;
  if (typeof content === "string") return content;
  const delta = chunk.delta as { text?: unknown } | string | undefined;
  if (typeof delta === "string" && chunk.type === "response.output_text.delta") return delta;
  if (delta && typeof delta === "object" && typeof delta.text === "string") return delta.text;
  const candidates = chunk.candidates as { content?: { parts?: { text?: unknown }[] } }[] | undefined;
  const parts = candidates?.[0]?.content?.parts ?? [];
  return parts.map((part) => (typeof part.text === "string" ? part.text : "")).join("");
}
