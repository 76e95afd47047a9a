import { useState } from "preact/hooks";
import type { Gateway } from "../../../shared/schemas/gateway.ts";
import { ErrorMessage } from "../components/error-message.tsx";
import { useSession } from "../context.ts";
import { streamChat } from "../playground/chat-stream.ts";
import { href } from "../router.ts";
import { storedToken } from "../session.ts";
import { useLoad } from "../use-api.ts";

/** How often, and how long, the playground looks for the request's log before offering the link. */
const LOG_POLL_MS = 500;
const LOG_POLL_ATTEMPTS = 40;

/**
 * Sends a chat request through a gateway (the unified API, streamed), shows the text as it arrives, then
 * links to the request's log once the log-writer has stored it.
 */
export function PlaygroundPage() {
  const { client } = useSession();
  const gateways = useLoad(() => client.get<Gateway[]>("/gateways", { per_page: 50 }), [client]);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [log, setLog] = useState<{ gatewayId: string; logId: string } | null>(null);
  const [request, setRequest] = useState({
    gateway: "",
    model: "openai/gpt-4o-mini",
    message: "Hello!",
    key: "",
  });
  const edit = (key: keyof typeof request) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setRequest((current) => ({ ...current, [key]: value }));
  };

  const ids = (gateways.value?.result ?? []).map((gateway) => gateway.id);

  const waitForLog = async (gatewayId: string, logId: string) => {
    const filters = JSON.stringify([{ key: "id", operator: "eq", value: [logId] }]);
    for (let attempt = 0; attempt < LOG_POLL_ATTEMPTS; attempt++) {
      const found = await client.get<unknown[]>(`/gateways/${encodeURIComponent(gatewayId)}/logs`, {
        filters,
      });
      if (found.result.length > 0) return setLog({ gatewayId, logId });
      await new Promise((resolve) => setTimeout(resolve, LOG_POLL_MS));
    }
  };

  const send = async (event: Event) => {
    event.preventDefault();
    const gatewayId = request.gateway || ids[0] || "default";
    setBusy(true);
    setText("");
    setError(null);
    setLog(null);
    try {
      const result = await streamChat(
        {
          url: new URL(
            `v1/${encodeURIComponent(client.accountId)}/${encodeURIComponent(gatewayId)}/compat/chat/completions`,
            client.base,
          ).href,
          model: request.model,
          message: request.message,
          gatewayToken: storedToken() ?? "",
          providerKey: request.key,
        },
        setText,
      );
      if (result.logId) await waitForLog(gatewayId, result.logId);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="playground-title">
      <h1 id="playground-title">Playground</h1>
      <form class="settings" onSubmit={send} aria-label="Chat request">
        <fieldset>
          <legend>Request</legend>
          <div class="field">
            <label for="pg-gateway">Gateway</label>
            <select id="pg-gateway" value={request.gateway} onChange={edit("gateway")}>
              {(ids.length > 0 ? ids : ["default"]).map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="pg-model">Model ({"{provider}/{model}"})</label>
            <input id="pg-model" required value={request.model} onInput={edit("model")} />
          </div>
          <div class="field">
            <label for="pg-key">Provider key (empty: the gateway's stored key)</label>
            <input id="pg-key" type="password" autocomplete="off" value={request.key} onInput={edit("key")} />
          </div>
        </fieldset>
        <label for="pg-message">Message</label>
        <textarea id="pg-message" rows={3} required value={request.message} onInput={edit("message")} />
        <div class="actions">
          <button type="submit" disabled={busy}>
            Send
          </button>
          {busy ? <span aria-live="polite">Streaming…</span> : null}
        </div>
      </form>
      <ErrorMessage error={error} />
      <h2>Answer</h2>
      <pre class="answer" aria-live="polite">
        {text}
      </pre>
      {log ? (
        <a href={href({ page: "logs", gatewayId: log.gatewayId, logId: log.logId })}>Open its log</a>
      ) : null}
    </section>
  );
}
