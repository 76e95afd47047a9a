import { useState } from "preact/hooks";
import type { Gateway } from "../../../shared/schemas/gateway.ts";
import { GATEWAY_ID_PATTERN } from "../../../shared/schemas/gateway.ts";
import { ErrorMessage } from "../components/error-message.tsx";
import { FirstRequest } from "../components/first-request.tsx";
import { useSession } from "../context.ts";
import { href } from "../router.ts";
import { useLoad } from "../use-api.ts";

/** Reference 4.2's create body, with Cloudflare's dashboard defaults: logs on, no cache, no rate limit. */
function createBody(id: string) {
  return {
    id,
    cache_invalidate_on_update: false,
    cache_ttl: 0,
    collect_logs: true,
    rate_limiting_interval: 0,
    rate_limiting_limit: 0,
    rate_limiting_technique: "fixed",
  };
}

/** Every gateway of the account, and (edit scope) the "Create Gateway" form. */
export function GatewaysPage() {
  const { client, canEdit } = useSession();
  const list = useLoad(() => client.get<Gateway[]>("/gateways", { per_page: 50 }), [client]);
  const gateways = list.value?.result ?? [];
  return (
    <section aria-labelledby="gateways-title">
      <h1 id="gateways-title">Gateways</h1>
      {canEdit ? <CreateGateway created={list.reload} /> : null}
      <ErrorMessage error={list.error} />
      {list.value && gateways.length === 0 ? (
        <FirstRequest base={client.base} accountId={client.accountId} gatewayId="default" />
      ) : null}
      {gateways.length > 0 ? (
        <table>
          <caption class="visually-hidden">Gateways</caption>
          <thead>
            <tr>
              <th scope="col">Gateway</th>
              <th scope="col">Authentication</th>
              <th scope="col">Logs</th>
              <th scope="col">Cache</th>
              <th scope="col">Rate limit</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {gateways.map((gateway) => (
              <tr key={gateway.id}>
                <th scope="row">
                  <a href={href({ page: "logs", gatewayId: gateway.id })}>{gateway.id}</a>
                </th>
                <td>{gateway.authentication ? "on" : "off"}</td>
                <td>{gateway.collect_logs ? "on" : "off"}</td>
                <td>{gateway.cache_ttl ? `${gateway.cache_ttl} s` : "off"}</td>
                <td>
                  {gateway.rate_limiting_limit
                    ? `${gateway.rate_limiting_limit} / ${gateway.rate_limiting_interval} s`
                    : "off"}
                </td>
                <td>{new Date(gateway.created_at).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function CreateGateway({ created }: { created: () => Promise<void> }) {
  const { client } = useSession();
  const [id, setId] = useState("");
  const [error, setError] = useState<unknown>(null);
  const valid = GATEWAY_ID_PATTERN.test(id);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!valid) return;
    try {
      await client.call("POST", "/gateways", { body: createBody(id) });
      setId("");
      setError(null);
      await created();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <form class="inline-form" onSubmit={submit} aria-label="Create gateway">
      <label for="new-gateway">New gateway id</label>
      <input
        id="new-gateway"
        value={id}
        maxLength={64}
        aria-describedby="new-gateway-rule"
        onInput={(event) => setId((event.currentTarget as HTMLInputElement).value)}
      />
      <button type="submit" disabled={!valid}>
        Create gateway
      </button>
      <p id="new-gateway-rule" class="hint">
        1 to 64 letters, digits, <code>-</code> and <code>_</code>, starting with a letter or digit.
      </p>
      <ErrorMessage error={error} />
    </form>
  );
}
