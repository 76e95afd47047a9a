import { useState } from "preact/hooks";
import { TOKEN_SCOPES, tokenCreateInputSchema } from "../../../shared/schemas/api-token.ts";
import { ErrorMessage } from "../components/error-message.tsx";
import { useSession } from "../context.ts";
import { useLoad } from "../use-api.ts";

interface TokenItem {
  id: string;
  name: string;
  scopes: string[];
  value_preview: string;
  created_at: string;
  revoked_at: string | null;
}

/** API tokens: the list (previews only), create with scopes (the value shown once), revoke. */
export function TokensPage() {
  const { client, canEdit } = useSession();
  const list = useLoad(() => client.get<TokenItem[]>("/tokens", { per_page: 50 }), [client]);
  const [error, setError] = useState<unknown>(null);

  const revoke = async (id: string) => {
    try {
      await client.call("DELETE", `/tokens/${encodeURIComponent(id)}`);
      setError(null);
      await list.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section aria-labelledby="tokens-title">
      <h1 id="tokens-title">API tokens</h1>
      {canEdit ? <CreateToken created={list.reload} /> : null}
      <ErrorMessage error={list.error ?? error} />
      <table>
        <caption class="visually-hidden">API tokens</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Scopes</th>
            <th scope="col">Token</th>
            <th scope="col">Created</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {(list.value?.result ?? []).map((token) => (
            <tr key={token.id}>
              <th scope="row">{token.name}</th>
              <td>{token.scopes.join(", ")}</td>
              <td>
                <code>{token.value_preview}</code>
              </td>
              <td>{new Date(token.created_at).toLocaleString()}</td>
              <td>
                {token.revoked_at ? (
                  `revoked ${new Date(token.revoked_at).toLocaleString()}`
                ) : canEdit ? (
                  <button type="button" class="danger" onClick={() => revoke(token.id)}>
                    Revoke {token.name}
                  </button>
                ) : (
                  "active"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function CreateToken({ created }: { created: () => Promise<void> }) {
  const { client } = useSession();
  const [value, setValue] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    // The API's own input schema: the console sends only what the API would accept.
    const parsed = tokenCreateInputSchema.safeParse({
      name: String(data.get("name") ?? ""),
      scopes: TOKEN_SCOPES.filter((scope) => data.get(`scope-${scope}`) === "on"),
    });
    if (!parsed.success) {
      setError(
        new Error(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")),
      );
      return;
    }
    try {
      const answer = await client.call<{ value: string }>("POST", "/tokens", { body: parsed.data });
      setValue(answer.result.value);
      setError(null);
      form.reset();
      await created();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <form class="inline-form" onSubmit={submit} aria-label="Create token">
      <label for="token-name">Name</label>
      <input id="token-name" name="name" maxLength={256} />
      <fieldset class="scopes">
        <legend>Scopes</legend>
        {TOKEN_SCOPES.map((scope) => (
          <label key={scope}>
            <input type="checkbox" name={`scope-${scope}`} /> {scope}
          </label>
        ))}
      </fieldset>
      <button type="submit">Create token</button>
      <ErrorMessage error={error} />
      {value ? (
        <div class="once" role="status">
          <p>The new token, shown this once (copy it now):</p>
          <output>{value}</output>
          <button type="button" class="secondary" onClick={() => setValue(null)}>
            Done
          </button>
        </div>
      ) : null}
    </form>
  );
}
