import type { SmokeOptions } from "./smoke-options.ts";

export interface StreamOutcome {
  status: number;
  logId: string | undefined;
  /** Content deltas received, and in how many reads of the body they came. */
  deltas: number;
  reads: number;
  /** Milliseconds from the first content delta to the last. */
  spreadMs: number;
  text: string;
  error?: string;
}

/** Below this spread, the content arrived at once: something between the provider and here held it back. */
export const BUFFERED_BELOW_MS = 10;

/**
 * Streams one chat completion through the REST surface, noting when each read of the body brought content.
 * The cache is skipped (a cache hit is served at once, which would look like buffering).
 */
export async function streamChat(options: SmokeOptions): Promise<StreamOutcome> {
  const url = `${options.baseUrl}/client/v4/accounts/${options.accountId}/ai/v1/chat/completions`;
  const response = await fetch(url, {
    method: "POST",
    headers: {
      authorization: `Bearer ${options.token}`,
      "content-type": "application/json",
      "cf-aig-gateway-id": options.gatewayId,
      "cf-aig-skip-cache": "true",
      "cf-aig-metadata": JSON.stringify({ smoke: "npm run smoke" }),
      ...options.headers,
    },
    body: JSON.stringify({
      model: options.model,
      stream: true,
      messages: [{ role: "user", content: "Count from 1 to 20, one number a line." }],
    }),
  });
  const outcome: StreamOutcome = {
    status: response.status,
    logId: response.headers.get("cf-aig-log-id") ?? undefined,
    deltas: 0,
    reads: 0,
    spreadMs: 0,
    text: "",
  };
  if (!response.ok || !response.body) {
    outcome.error = `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
    return outcome;
  }
  const decoder = new TextDecoder();
  let pending = "";
  let first: number | undefined;
  let last = 0;
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const now = performance.now();
    const bytes = read.value;
    pending += decoder.decode(bytes, { stream: true });
    const events = pending.split("\n\n");
    pending = events.pop() ?? "";
    const pieces = events.flatMap(contentOf);
    if (pieces.length === 0) continue;
    outcome.reads++;
    outcome.deltas += pieces.length;
    outcome.text += pieces.join("");
    first ??= now;
    last = now;
  }
  outcome.spreadMs = first === undefined ? 0 : last - first;
  return outcome;
}

/** The content deltas of one SSE event of an OpenAI chat completion stream. */
function contentOf(event: string): string[] {
  const data = event
    .split("\n")
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).trim())
    .join("\n");
  if (data === "" || data === "[DONE]") return [];
  try {
    const chunk = JSON.parse(data) as { choices?: { delta?: { content?: unknown } }[] };
    const content = chunk.choices?.[0]?.delta?.content;
    return typeof content === "string" && content !== "" ? [content] : [];
  } catch {
    return [];
  }
}
