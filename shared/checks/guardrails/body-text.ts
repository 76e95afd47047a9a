/**
 * The text a guardrail scans, read from a JSON body in any of the formats the gateway passes (OpenAI Chat
 * Completions and Responses, Anthropic Messages, Gemini, Bedrock Converse, Cohere, embeddings): every string
 * held under a key that carries words a model reads or writes, at any depth. Keys that carry other things
 * (ids, models, roles, URLs, base64 `data`) are never read, so an image is not scanned as text.
 *
 * Interim: the DLP work brings one text-extraction module per format (shared/checks/text/); this generic
 * reader stands until the guardrails move onto it (docs/guardrails.md).
 */
const TEXT_KEYS = new Set([
  "content",
  "text",
  "input",
  "prompt",
  "system",
  "instructions",
  "arguments",
  "output",
  "partial_json",
  "thinking",
  "refusal",
]);

const decoder = new TextDecoder();

/** The words of a JSON body, one piece per line; empty for a body that is not JSON. */
export function jsonBodyText(body: Uint8Array | null): string {
  if (!body || body.byteLength === 0) return "";
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(body));
  } catch {
    return "";
  }
  return textOf(value).join("\n");
}

/** The strings under text keys of a parsed JSON value, in document order. */
export function textOf(value: unknown): string[] {
  const found: string[] = [];
  collect(value, false, found);
  return found;
}

function collect(value: unknown, underTextKey: boolean, found: string[]): void {
  if (typeof value === "string") {
    if (underTextKey && value.length > 0) found.push(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collect(item, underTextKey, found);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  for (const [key, child] of Object.entries(value)) collect(child, TEXT_KEYS.has(key), found);
}

/**
 * The text an SSE event's JSON adds to a streamed answer: the deltas of Chat Completions (`delta.content`,
 * tool-call `arguments`), Anthropic (`delta.text`, `partial_json`), Gemini (`parts[].text`), Cohere
 * (`delta.message.content.text`). The OpenAI Responses stream repeats its text in its `.done` and
 * `response.completed` events, so only its `delta` strings count.
 */
export function streamEventText(data: unknown): string {
  if (typeof data !== "object" || data === null) return "";
  const type = (data as { type?: unknown }).type;
  if (typeof type === "string" && type.startsWith("response.")) {
    const delta = (data as { delta?: unknown }).delta;
    return typeof delta === "string" ? delta : "";
  }
  return textOf(data).join("");
}
