import { parseEventStream, reassembleText } from "../logs/stream-text.ts";

export interface ChatRequest {
  /** The unified API's endpoint on the gateway: `{base}v1/{account}/{gateway}/compat/chat/completions`. */
  url: string;
  /** `{provider}/{model}`. */
  model: string;
  message: string;
  /** Sent as cf-aig-authorization (a token with the run scope; the admin token has every scope). */
  gatewayToken: string;
  /** The provider's key; empty: the gateway's stored key is used. Kept in memory for this call only. */
  providerKey: string;
}

export interface ChatResult {
  logId: string | null;
}

/**
 * Sends one streamed chat request through the gateway and reports the text as it arrives. A refusal is
 * thrown as an Error carrying the gateway's message (the OpenAI dialect's `error.message`).
 */
export async function streamChat(request: ChatRequest, onText: (text: string) => void): Promise<ChatResult> {
  const response = await fetch(request.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "cf-aig-authorization": `Bearer ${request.gatewayToken}`,
      ...(request.providerKey ? { authorization: `Bearer ${request.providerKey}` } : {}),
    },
    body: JSON.stringify({
      model: request.model,
      stream: true,
      messages: [{ role: "user", content: request.message }],
    }),
  });
  const logId = response.headers.get("cf-aig-log-id");
  if (!response.ok || !response.body) {
    const text = await response.text();
    throw new Error(`The gateway answered ${response.status}: ${errorMessage(text)}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let received = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value;
    // Only whole events: the last one may still be arriving.
    const complete = received.slice(0, received.lastIndexOf("\n\n") + 2);
    onText(reassembleText(parseEventStream(complete) ?? []));
  }
  onText(reassembleText(parseEventStream(received) ?? []));
  return { logId };
}

function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    if (typeof parsed.error === "string") return parsed.error;
    return parsed.error?.message ?? parsed.message ?? body;
  } catch {
    return body || "no details";
  }
}
