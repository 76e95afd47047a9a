import { useState } from "preact/hooks";
import { customProviderCreateInputSchema } from "../../../shared/schemas/custom-provider.ts";
import { ErrorMessage } from "../components/error-message.tsx";
import { useSession } from "../context.ts";
import { useLoad } from "../use-api.ts";

interface CustomProviderItem {
  id: string;
  name: string;
  slug: string;
  base_url: string;
  enable: boolean;
  beta: boolean;
  logo: string;
}

/** Custom providers of the account: list, create (checked with the API's own schema), enable, delete. */
export function CustomProvidersPage() {
  const { client, canEdit } = useSession();
  const list = useLoad(
    () => client.get<CustomProviderItem[]>("/custom-providers", { per_page: 100 }),
    [client],
  );
  const [error, setError] = useState<unknown>(null);

  const act = async (action: () => Promise<unknown>) => {
    try {
      await action();
      setError(null);
      await list.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  const create = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const parsed = customProviderCreateInputSchema.safeParse({
      name: String(data.get("name") ?? ""),
      slug: String(data.get("slug") ?? ""),
      base_url: String(data.get("base_url") ?? ""),
      enable: data.get("enable") === "on",
    });
    if (!parsed.success) {
      setError(
        new Error(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")),
      );
      return;
    }
    void act(async () => {
      await client.call("POST", "/custom-providers", { body: parsed.data });
      form.reset();
    });
  };

  const providers = list.value?.result ?? [];
  return (
    <section aria-labelledby="providers-title">
      <h1 id="providers-title">Custom providers</h1>
      {canEdit ? (
        <form class="inline-form" onSubmit={create} aria-label="Create custom provider">
          <label for="cp-name">Name</label>
          <input id="cp-name" name="name" required maxLength={256} />
          <label for="cp-slug">Slug</label>
          <input id="cp-slug" name="slug" required maxLength={64} />
          <label for="cp-url">Base URL (https)</label>
          <input id="cp-url" name="base_url" type="url" required />
          <label>
            <input type="checkbox" name="enable" defaultChecked /> Enabled
          </label>
          <button type="submit">Create provider</button>
          <p class="hint">
            Reached as{" "}
            <code>
              /v1/{client.accountId}/{"{gateway}"}/custom-{"{slug}"}/...
            </code>
            .
          </p>
        </form>
      ) : null}
      <ErrorMessage error={list.error ?? error} />
      {list.value && providers.length === 0 ? <p class="empty">No custom providers.</p> : null}
      {providers.length > 0 ? (
        <table>
          <caption class="visually-hidden">Custom providers</caption>
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Slug</th>
              <th scope="col">Base URL</th>
              <th scope="col">Enabled</th>
              {canEdit ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {providers.map((provider) => (
              <tr key={provider.id}>
                <th scope="row">
                  <img src={provider.logo} alt="" width={20} height={20} class="logo" /> {provider.name}
                </th>
                <td>
                  <code>custom-{provider.slug}</code>
                </td>
                <td>{provider.base_url}</td>
                <td>{provider.enable ? "yes" : "no"}</td>
                {canEdit ? (
                  <td class="actions">
                    <button
                      type="button"
                      class="secondary"
                      onClick={() =>
                        act(() =>
                          client.call("PATCH", `/custom-providers/${provider.id}`, {
                            body: { enable: !provider.enable },
                          }),
                        )
                      }
                    >
                      {provider.enable ? "Disable" : "Enable"} {provider.name}
                    </button>
                    <button
                      type="button"
                      class="danger"
                      onClick={() => act(() => client.call("DELETE", `/custom-providers/${provider.id}`))}
                    >
                      Delete {provider.name}
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
