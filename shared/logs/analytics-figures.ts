import type { LogEvent } from "../schemas/log-event.ts";

/**
 * The figures one analytics bucket keeps, as plain numbers so DynamoDB's atomic ADD maintains them, and
 * the pure functions that derive them from a log event and read them back.
 *
 * Latency is kept as a fixed-bucket histogram (upper bounds in ms, the last one open) next to its sum:
 * percentiles are then estimated from the histogram, to within one bucket's width, by interpolating
 * inside the bucket the percentile falls in. Fixed bounds make buckets of different hours addable.
 */
export const LATENCY_BOUNDS_MS = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000] as const;

const COUNTERS = [
  "requests",
  "attempts",
  "errors",
  "cached",
  "tokens_in",
  "tokens_out",
  "cost",
  "cost_count",
  "duration_sum",
  "ttfb_sum",
  "ttfb_count",
] as const;

const histogramNames = (prefix: "d" | "t") =>
  [...LATENCY_BOUNDS_MS, Infinity].map((_, index) => `${prefix}_${index}`);

/** Every numeric attribute of a bucket item. */
export const FIGURE_ATTRIBUTES: readonly string[] = [
  ...COUNTERS,
  ...histogramNames("d"),
  ...histogramNames("t"),
];

export type Figures = Record<string, number>;

export function emptyFigures(): Figures {
  return Object.fromEntries(FIGURE_ATTRIBUTES.map((name) => [name, 0]));
}

function bucketIndex(milliseconds: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => milliseconds <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length : index;
}

/** An optional number of the event (cost, attempt), absent from older events; absent or null reads as null. */
function optionalNumber(event: LogEvent, field: string): number | null {
  const value = (event as Record<string, unknown>)[field];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * Whether this log starts a request. Reference 5.4's counting table: a retry produces one log row per
 * attempt but counts as one request, while tokens and cost cover every attempt. Events carry `attempt`
 * (1-based, sharing the first attempt's `request_id`; docs/resilience.md): attempts after the first add to
 * `attempts` and not to `requests`. Universal-endpoint fallbacks number attempts across steps, so a request
 * that fell back is one request too. Events without `attempt` (older ones) are one request each.
 */
export function startsRequest(event: LogEvent): boolean {
  const attempt = optionalNumber(event, "attempt");
  return attempt === null || attempt <= 1;
}

/** What one log adds to its bucket. */
export function figuresOf(event: LogEvent): Figures {
  const figures = emptyFigures();
  const cost = optionalNumber(event, "cost");
  figures.requests = startsRequest(event) ? 1 : 0;
  figures.attempts = 1;
  figures.errors = event.success ? 0 : 1;
  figures.cached = event.cached ? 1 : 0;
  figures.tokens_in = event.tokens_in ?? 0;
  figures.tokens_out = event.tokens_out ?? 0;
  figures.cost = cost ?? 0;
  figures.cost_count = cost === null ? 0 : 1;
  figures.duration_sum = event.duration;
  figures[`d_${bucketIndex(event.duration)}`] = 1;
  if (event.time_to_first_byte !== null) {
    figures.ttfb_sum = event.time_to_first_byte;
    figures.ttfb_count = 1;
    figures[`t_${bucketIndex(event.time_to_first_byte)}`] = 1;
  }
  return figures;
}

export function addFigures(into: Figures, from: Record<string, unknown>): void {
  for (const name of FIGURE_ATTRIBUTES) {
    const value = from[name];
    if (typeof value === "number") into[name] = (into[name] ?? 0) + value;
  }
}

/** The value below which a fraction `quantile` of the histogram's observations lie, interpolated. */
export function estimatePercentile(counts: readonly number[], quantile: number): number | null {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = quantile * total;
  let below = 0;
  for (let index = 0; index < counts.length; index += 1) {
    const count = counts[index] ?? 0;
    if (count > 0 && below + count >= rank) {
      const lower = index === 0 ? 0 : (LATENCY_BOUNDS_MS[index - 1] ?? 0);
      const upper = LATENCY_BOUNDS_MS[index];
      // The open last bucket has no width to interpolate in: its lower bound is the honest answer.
      if (upper === undefined) return lower;
      return lower + ((upper - lower) * (rank - below)) / count;
    }
    below += count;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1] ?? null;
}

function latency(figures: Figures, prefix: "d" | "t", sum: number, count: number) {
  const counts = histogramNames(prefix).map((name) => figures[name] ?? 0);
  const round = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);
  return {
    count,
    sum: round(sum),
    average: count > 0 ? round(sum / count) : null,
    p50: round(estimatePercentile(counts, 0.5)),
    p90: round(estimatePercentile(counts, 0.9)),
    p99: round(estimatePercentile(counts, 0.99)),
    histogram: counts.map((value, index) => ({ le: LATENCY_BOUNDS_MS[index] ?? null, count: value })),
  };
}

/** The figures as the analytics endpoint returns them. */
export function presentFigures(figures: Figures) {
  const value = (name: string) => figures[name] ?? 0;
  return {
    requests: value("requests"),
    attempts: value("attempts"),
    errors: value("errors"),
    cache_hits: value("cached"),
    tokens_in: value("tokens_in"),
    tokens_out: value("tokens_out"),
    cost: Math.round(value("cost") * 1e9) / 1e9,
    requests_with_cost: value("cost_count"),
    duration_ms: latency(figures, "d", value("duration_sum"), value("attempts")),
    time_to_first_byte_ms: latency(figures, "t", value("ttfb_sum"), value("ttfb_count")),
  };
}
