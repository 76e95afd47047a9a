import { useMemo, useState } from "preact/hooks";
import { type AnalyticsResult, figureSeries, groupSeries } from "../analytics/analytics-data.ts";
import { Chart } from "../components/chart.tsx";
import { ErrorMessage } from "../components/error-message.tsx";
import { GatewayTabs } from "../components/gateway-tabs.tsx";
import { useSession } from "../context.ts";
import { useLoad } from "../use-api.ts";

const RANGES = [
  { label: "Last 24 hours", hours: 24, granularity: "hour" },
  { label: "Last 7 days", hours: 7 * 24, granularity: "hour" },
  { label: "Last 30 days", hours: 30 * 24, granularity: "day" },
] as const;

/** A gateway's analytics as charts: traffic, tokens, cost, errors, cache, latency, by provider and model. */
export function AnalyticsPage({ gatewayId }: { gatewayId: string }) {
  const { client } = useSession();
  const [rangeIndex, setRangeIndex] = useState(0);
  const range = RANGES[rangeIndex] ?? RANGES[0];
  const path = `/gateways/${encodeURIComponent(gatewayId)}/analytics`;
  const query = useMemo(() => {
    const end = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
    const start = new Date(end.getTime() - range.hours * 3_600_000);
    return {
      start: start.toISOString(),
      end: end.toISOString(),
      granularity: range.granularity,
      seconds: [start.getTime() / 1000, end.getTime() / 1000] as [number, number],
    };
  }, [range]);
  const { seconds, ...apiQuery } = query;
  const loaded = useLoad(
    () =>
      Promise.all([
        client.get<AnalyticsResult>(path, apiQuery),
        client.get<AnalyticsResult>(path, { ...apiQuery, group_by: "provider" }),
        client.get<AnalyticsResult>(path, { ...apiQuery, group_by: "model" }),
      ]),
    [client, path, query],
  );
  const charts = useMemo(() => {
    if (!loaded.value) return null;
    const [total, byProvider, byModel] = loaded.value.map((envelope) => envelope.result.buckets);
    if (!total || total.length === 0) return [];
    return [
      {
        title: "Requests and errors",
        ...figureSeries(total, [
          { label: "requests", value: (b) => b.requests },
          { label: "errors", value: (b) => b.errors },
        ]),
      },
      {
        title: "Tokens",
        ...figureSeries(total, [
          { label: "in", value: (b) => b.tokens_in },
          { label: "out", value: (b) => b.tokens_out },
        ]),
      },
      { title: "Cost (USD)", ...figureSeries(total, [{ label: "cost", value: (b) => b.cost }]) },
      {
        title: "Cache hit rate (%)",
        unit: "%",
        ...figureSeries(total, [
          { label: "hit rate", value: (b) => (b.requests ? (100 * b.cache_hits) / b.requests : null) },
        ]),
      },
      {
        title: "Latency (ms)",
        ...figureSeries(total, [
          { label: "p50", value: (b) => b.duration_ms.p50 },
          { label: "p90", value: (b) => b.duration_ms.p90 },
          { label: "p99", value: (b) => b.duration_ms.p99 },
        ]),
      },
      {
        title: "Time to first byte (ms)",
        ...figureSeries(total, [
          { label: "p50", value: (b) => b.time_to_first_byte_ms.p50 },
          { label: "p90", value: (b) => b.time_to_first_byte_ms.p90 },
        ]),
      },
      { title: "Requests by provider", ...groupSeries(byProvider ?? [], "provider") },
      { title: "Requests by model", ...groupSeries(byModel ?? [], "model") },
    ];
  }, [loaded.value]);

  return (
    <section>
      <GatewayTabs gatewayId={gatewayId} current="analytics" />
      <div class="toolbar">
        <label for="range">Time range</label>
        <select
          id="range"
          value={String(rangeIndex)}
          onChange={(event) => setRangeIndex(Number((event.currentTarget as HTMLSelectElement).value))}
        >
          {RANGES.map((option, index) => (
            <option key={option.label} value={String(index)}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <ErrorMessage error={loaded.error} />
      {charts && charts.length === 0 ? <p class="empty">No traffic in this range.</p> : null}
      <div class="charts">
        {(charts ?? []).map((chart) => (
          <Chart
            key={chart.title}
            title={chart.title}
            times={chart.times}
            series={chart.series}
            range={seconds}
            unit={"unit" in chart ? chart.unit : undefined}
          />
        ))}
      </div>
    </section>
  );
}
