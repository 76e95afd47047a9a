import { useState } from "preact/hooks";
import { ErrorMessage } from "../components/error-message.tsx";
import { useSession } from "../context.ts";
import { useLoad } from "../use-api.ts";
import { RouteGraph } from "./route-graph.tsx";
import type { RouteDeployment, RouteItem, RouteVersion } from "./route-types.ts";

/** One route: its live graph, its versions (deploy one: an older one is the rollback), new versions. */
export function RouteDetail({ path, changed }: { path: string; changed: () => Promise<void> }) {
  const { client, canEdit } = useSession();
  const route = useLoad(() => client.get<RouteItem>(path), [client, path]);
  const versions = useLoad(
    () => client.get<RouteVersion[]>(`${path}/versions`, { per_page: 50 }),
    [client, path],
  );
  const deployments = useLoad(
    () => client.get<RouteDeployment[]>(`${path}/deployments`, { per_page: 50 }),
    [client, path],
  );
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const live = route.value?.result;

  const act = async (action: () => Promise<unknown>) => {
    try {
      await action();
      setError(null);
      await Promise.all([route.reload(), versions.reload(), deployments.reload(), changed()]);
    } catch (failure) {
      setError(failure);
    }
  };
  const saveVersion = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      let elements: unknown;
      try {
        elements = JSON.parse(draft ?? "");
      } catch (failure) {
        throw new Error(`Elements: ${(failure as Error).message}`);
      }
      await client.call("POST", `${path}/versions`, { body: { elements } });
      setDraft(null);
    });
  };
  const deploy = (versionId: string) =>
    act(() => client.call("POST", `${path}/deployments`, { body: { version_id: versionId } }));

  return (
    <section class="log-detail" aria-label="Route detail">
      <ErrorMessage error={route.error ?? versions.error ?? deployments.error ?? error} />
      {live ? (
        <>
          <h2>Route {live.name}</h2>
          <p class="hint">
            Called as <code>model: "dynamic/{live.name}"</code>; live version {live.deployment.version_id}.
          </p>
          <RouteGraph elements={live.elements} />
          <h3>Versions</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Saved</th>
                <th scope="col">Comment</th>
                <th scope="col">Live</th>
              </tr>
            </thead>
            <tbody>
              {(versions.value?.result ?? []).map((version) => (
                <tr key={version.version_id}>
                  <th scope="row">
                    <code>{version.version_id}</code>
                  </th>
                  <td>{new Date(version.created_at).toLocaleString()}</td>
                  <td>{version.comment ?? ""}</td>
                  <td>
                    {version.active === "true" ? (
                      "live"
                    ) : canEdit ? (
                      <button type="button" class="secondary" onClick={() => deploy(version.version_id)}>
                        Deploy this version
                      </button>
                    ) : (
                      ""
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Deployments</h3>
          <ol class="deployments">
            {(deployments.value?.result ?? []).map((deployment) => (
              <li key={deployment.deployment_id}>
                {new Date(deployment.created_at).toLocaleString()}: version{" "}
                <code>{deployment.version_id}</code>
                {deployment.comment ? ` (${deployment.comment})` : ""}
              </li>
            ))}
          </ol>
          {canEdit ? (
            <form class="stack" onSubmit={saveVersion} aria-label="New version">
              <label for="route-elements">Elements of a new version (JSON; not live until deployed)</label>
              <textarea
                id="route-elements"
                rows={12}
                value={draft ?? JSON.stringify(live.elements, null, 2)}
                onInput={(event) => setDraft((event.currentTarget as HTMLTextAreaElement).value)}
              />
              <button type="submit" disabled={draft === null}>
                Save version
              </button>
            </form>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
