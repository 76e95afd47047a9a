import { useState } from "preact/hooks";
import { ErrorMessage } from "../components/error-message.tsx";
import { GatewayTabs } from "../components/gateway-tabs.tsx";
import { useSession } from "../context.ts";
import { RouteDetail } from "../routes/route-detail.tsx";
import { type RouteItem, TEMPLATE_ELEMENTS } from "../routes/route-types.ts";
import { useLoad } from "../use-api.ts";

/** A gateway's dynamic routes: the list, a new route (live at once), and one route's detail. */
export function RoutesPage({ gatewayId }: { gatewayId: string }) {
  const { client, canEdit } = useSession();
  const path = `/gateways/${encodeURIComponent(gatewayId)}/routes`;
  const list = useLoad(() => client.get<RouteItem[]>(path, { per_page: 50 }), [client, path]);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [elements, setElements] = useState(() => JSON.stringify(TEMPLATE_ELEMENTS, null, 2));

  const create = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const name = String(new FormData(form).get("name") ?? "");
    try {
      const body = { name, elements: JSON.parse(elements) as unknown };
      const created = await client.call<RouteItem>("POST", path, { body });
      setError(null);
      form.reset();
      await list.reload();
      setSelected(created.result.id);
    } catch (failure) {
      setError(failure instanceof SyntaxError ? new Error(`Elements: ${failure.message}`) : failure);
    }
  };

  const routes = list.value?.result ?? [];
  return (
    <section>
      <GatewayTabs gatewayId={gatewayId} current="routes" />
      <ErrorMessage error={list.error ?? error} />
      {list.value && routes.length === 0 ? <p class="empty">No dynamic routes on this gateway.</p> : null}
      {routes.length > 0 ? (
        <ul class="route-list">
          {routes.map((route) => (
            <li key={route.id}>
              <button type="button" class="link" onClick={() => setSelected(route.id)}>
                {route.name}
              </button>{" "}
              <span class="hint">{route.elements.length} elements</span>
            </li>
          ))}
        </ul>
      ) : null}
      {canEdit ? (
        <details>
          <summary>New route</summary>
          <form class="stack" onSubmit={create} aria-label="Create route">
            <label for="route-name">Name</label>
            <input id="route-name" name="name" required maxLength={64} />
            <label for="route-new-elements">Elements (JSON, see docs/dynamic-routes.md)</label>
            <textarea
              id="route-new-elements"
              rows={12}
              value={elements}
              onInput={(event) => setElements((event.currentTarget as HTMLTextAreaElement).value)}
            />
            <button type="submit">Create route</button>
          </form>
        </details>
      ) : null}
      {selected ? (
        <RouteDetail key={selected} path={`${path}/${encodeURIComponent(selected)}`} changed={list.reload} />
      ) : null}
    </section>
  );
}
