import { useEffect, useState } from "preact/hooks";
import { ErrorMessage } from "../components/error-message.tsx";
import { FirstRequest } from "../components/first-request.tsx";
import { GatewayTabs } from "../components/gateway-tabs.tsx";
import { useSession } from "../context.ts";
import { DeleteLogs } from "../logs/delete-logs.tsx";
import { FilterPanel } from "../logs/filter-panel.tsx";
import { LogDetail } from "../logs/log-detail.tsx";
import { EMPTY_FILTERS, type FilterForm, filterQuery } from "../logs/log-filters.ts";
import { formatCost, type LogRecord } from "../logs/log-record.ts";
import { useLoad } from "../use-api.ts";

/** While the page is open, the list is read again this often (newest first, so new logs appear on top). */
const REFRESH_MS = 3_000;
const PER_PAGE = 25;

/** A gateway's logs: filters, a live list, a detail view and delete-by-filter. */
export function LogsPage({
  gatewayId,
  initialLogId,
}: {
  gatewayId: string;
  initialLogId?: string | undefined;
}) {
  const { client, canEdit } = useSession();
  const [form, setForm] = useState<FilterForm>(EMPTY_FILTERS);
  const [page, setPage] = useState(1);
  const [live, setLive] = useState(true);
  const [selected, setSelected] = useState<string | null>(initialLogId ?? null);
  const path = `/gateways/${encodeURIComponent(gatewayId)}/logs`;
  const list = useLoad(
    () =>
      client.get<LogRecord[]>(path, {
        ...filterQuery(form),
        search: form.search,
        page,
        per_page: PER_PAGE,
        order_by: "created_at",
        order_by_direction: "desc",
      }),
    [client, path, form, page],
  );

  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => void list.reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [live, list.reload]);

  const logs = list.value?.result ?? [];
  const info = list.value?.result_info;
  const apply = (next: FilterForm) => {
    setForm(next);
    setPage(1);
  };
  return (
    <section>
      <GatewayTabs gatewayId={gatewayId} current="logs" />
      <div class="toolbar">
        <FilterPanel
          key={JSON.stringify(form)}
          form={form}
          apply={apply}
          clear={() => apply(EMPTY_FILTERS)}
        />
        <label class="live">
          <input type="checkbox" checked={live} onChange={() => setLive(!live)} /> Live
        </label>
        {canEdit ? <DeleteLogs path={path} form={form} deleted={list.reload} /> : null}
      </div>
      <ErrorMessage error={list.error} />
      {list.value && logs.length === 0 && page === 1 ? (
        <FirstRequest base={client.base} accountId={client.accountId} gatewayId={gatewayId} />
      ) : null}
      {logs.length > 0 ? (
        <table class="logs">
          <caption class="visually-hidden">Logs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Status</th>
              <th scope="col">Provider</th>
              <th scope="col">Model</th>
              <th scope="col">Tokens in / out</th>
              <th scope="col">Cost</th>
              <th scope="col">Duration</th>
              <th scope="col">Feedback</th>
            </tr>
          </thead>
          <tbody>
            {logs.map((log) => (
              <tr key={log.id} class={log.success ? "" : "failed"} aria-selected={selected === log.id}>
                <td>
                  <button type="button" class="link" onClick={() => setSelected(log.id)}>
                    {new Date(log.created_at).toLocaleTimeString()}
                  </button>
                </td>
                <td>
                  {log.status_code}
                  {log.cached ? " (cached)" : ""}
                </td>
                <td>{log.provider}</td>
                <td>{log.model}</td>
                <td>
                  {log.tokens_in ?? "–"} / {log.tokens_out ?? "–"}
                </td>
                <td>{formatCost(log.cost)}</td>
                <td>{log.duration} ms</td>
                <td>{log.feedback === 1 ? "up" : log.feedback === -1 ? "down" : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {info && info.total_pages > 1 ? (
        <nav class="pager" aria-label="Pages">
          <button type="button" class="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Newer
          </button>
          <span>
            Page {page} of {info.total_pages} ({info.total_count} logs)
          </span>
          <button
            type="button"
            class="secondary"
            disabled={page >= info.total_pages}
            onClick={() => setPage(page + 1)}
          >
            Older
          </button>
        </nav>
      ) : null}
      {selected ? (
        <LogDetail key={selected} gatewayId={gatewayId} logId={selected} close={() => setSelected(null)} />
      ) : null}
    </section>
  );
}
