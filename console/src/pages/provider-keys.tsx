import { useState } from "preact/hooks";
import { ErrorMessage } from "../components/error-message.tsx";
import { GatewayTabs } from "../components/gateway-tabs.tsx";
import { useSession } from "../context.ts";
import { useLoad } from "../use-api.ts";

interface ProviderKeyItem {
  id: string;
  provider_slug: string;
  alias: string;
  secret_preview: string;
  created_at: string;
}

/**
 * A gateway's stored provider keys: previews only, add, delete. Rotating is deleting the old key and
 * adding the new one under the same alias (the API refuses a second key for a provider and alias).
 */
export function ProviderKeysPage({ gatewayId }: { gatewayId: string }) {
  const { client, canEdit } = useSession();
  const path = `/gateways/${encodeURIComponent(gatewayId)}/provider_configs`;
  const list = useLoad(() => client.get<ProviderKeyItem[]>(path, { per_page: 50 }), [client, path]);
  const [error, setError] = useState<unknown>(null);

  const remove = async (key: ProviderKeyItem) => {
    try {
      await client.call("DELETE", `${path}/${encodeURIComponent(key.id)}`);
      setError(null);
      await list.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  const add = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const alias = String(data.get("alias") ?? "").trim();
    try {
      await client.call("POST", path, {
        body: {
          provider_slug: String(data.get("provider_slug") ?? "").trim(),
          secret: String(data.get("secret") ?? ""),
          ...(alias ? { alias } : {}),
        },
      });
      // The secret leaves the page at once: it is never shown again, only its preview.
      form.reset();
      setError(null);
      await list.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  const keys = list.value?.result ?? [];
  return (
    <section>
      <GatewayTabs gatewayId={gatewayId} current="keys" />
      {canEdit ? (
        <form class="inline-form" onSubmit={add} aria-label="Add provider key">
          <label for="key-provider">Provider</label>
          <input id="key-provider" name="provider_slug" placeholder="openai" required />
          <label for="key-alias">Alias</label>
          <input id="key-alias" name="alias" placeholder="default" />
          <label for="key-secret">Secret</label>
          <input id="key-secret" name="secret" type="password" autocomplete="off" required />
          <button type="submit">Add key</button>
          <p class="hint">
            The gateway must have authentication on. To rotate a key, add the new one under another alias or
            delete the old one first.
          </p>
        </form>
      ) : null}
      <ErrorMessage error={list.error ?? error} />
      {list.value && keys.length === 0 ? <p class="empty">No stored keys on this gateway.</p> : null}
      {keys.length > 0 ? (
        <table>
          <caption class="visually-hidden">Stored provider keys</caption>
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Alias</th>
              <th scope="col">Secret</th>
              <th scope="col">Added</th>
              {canEdit ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id}>
                <th scope="row">{key.provider_slug}</th>
                <td>{key.alias}</td>
                <td>
                  <code>{key.secret_preview}</code>
                </td>
                <td>{new Date(key.created_at).toLocaleString()}</td>
                {canEdit ? (
                  <td>
                    <button type="button" class="danger" onClick={() => remove(key)}>
                      Delete {key.provider_slug} {key.alias}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
