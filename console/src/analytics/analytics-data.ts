import type { ChartSeries } from "../components/chart.tsx";

interface Percentiles {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

/** A bucket of the analytics API (docs/analytics.md). */
export interface Bucket {
  start: string;
  provider?: string;
  model?: string;
  requests: number;
  errors: number;
  cache_hits: number;
  tokens_in: number;
  tokens_out: number;
  cost: number;
  duration_ms: Percentiles;
  time_to_first_byte_ms: Percentiles;
}

export interface AnalyticsResult {
  buckets: Bucket[];
}

/** The bucket starts of a result, in seconds (uPlot's x axis), each once, in order. */
export function bucketTimes(buckets: Bucket[]): number[] {
  return [...new Set(buckets.map((bucket) => Date.parse(bucket.start) / 1000))].sort((a, b) => a - b);
}

/** One series per figure, from ungrouped buckets (one bucket per time). */
export function figureSeries(
  buckets: Bucket[],
  figures: { label: string; value: (bucket: Bucket) => number | null }[],
): { times: number[]; series: ChartSeries[] } {
  const times = bucketTimes(buckets);
  const byTime = new Map(buckets.map((bucket) => [Date.parse(bucket.start) / 1000, bucket]));
  return {
    times,
    series: figures.map((figure) => ({
      label: figure.label,
      values: times.map((time) => {
        const bucket = byTime.get(time);
        return bucket ? figure.value(bucket) : null;
      }),
    })),
  };
}

/** Requests per group (provider or model) over time, from grouped buckets. */
export function groupSeries(
  buckets: Bucket[],
  group: "provider" | "model",
): { times: number[]; series: ChartSeries[] } {
  const times = bucketTimes(buckets);
  const groups = [...new Set(buckets.map((bucket) => bucket[group] ?? "unknown"))].sort();
  return {
    times,
    series: groups.map((name) => ({
      label: name,
      values: times.map((time) => {
        const bucket = buckets.find(
          (candidate) =>
            (candidate[group] ?? "unknown") === name && Date.parse(candidate.start) / 1000 === time,
        );
        return bucket ? bucket.requests : 0;
      }),
    })),
  };
}
