import type { Cell } from "./scenarios/cells.ts";
import { median, percentile, sortedCopy } from "./stats.ts";
import type { SeriesName } from "./targets.ts";

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

/** Pooled over every round of one workload, concurrency and target; times in ms. */
export interface LatencySummary {
  workload: string;
  concurrency: number;
  target: SeriesName;
  samples: number;
  errors: number;
  firstByte: Percentiles;
  lastByte: Percentiles;
  /** This target's percentile minus direct's, same workload and concurrency (null for direct). */
  addedFirstByte: Percentiles | null;
  addedLastByte: Percentiles | null;
  /** Added last-byte p50 of each round on its own, to show the spread between rounds. */
  roundAddedP50: number[];
  /** CPU ms per request of each process over this target's cells. */
  cpuMsPerRequest: Record<string, number>;
}

function percentiles(values: number[]): Percentiles {
  const sorted = sortedCopy(values);
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) };
}

const minus = (a: Percentiles, b: Percentiles): Percentiles => ({
  p50: a.p50 - b.p50,
  p90: a.p90 - b.p90,
  p99: a.p99 - b.p99,
});

function cpuPerRequest(cells: Cell[]): Record<string, number> {
  const requests = cells.reduce((sum, cell) => sum + cell.requests, 0);
  const totals: Record<string, number> = {};
  for (const cell of cells) {
    for (const [name, ms] of Object.entries(cell.cpuMs)) totals[name] = (totals[name] ?? 0) + ms;
  }
  return Object.fromEntries(Object.entries(totals).map(([name, ms]) => [name, ms / requests]));
}

/** Added latency is a difference of percentiles (requests are not paired), pooled over the rounds. */
export function summarizeLatency(cells: Cell[]): LatencySummary[] {
  const groups = new Map<string, Cell[]>();
  for (const cell of cells) {
    const key = `${cell.workload}|${cell.concurrency}|${cell.target}`;
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  const base = (cell: Cell) => groups.get(`${cell.workload}|${cell.concurrency}|direct`) ?? [];
  const summaries: LatencySummary[] = [];
  for (const group of groups.values()) {
    const [first] = group as [Cell];
    const samples = group.flatMap((cell) => cell.samples);
    const firstByte = percentiles(samples.map((s) => s.firstByteUs / 1_000));
    const lastByte = percentiles(samples.map((s) => s.lastByteUs / 1_000));
    const direct = base(first);
    const directSamples = direct.flatMap((cell) => cell.samples);
    const isDirect = first.target === "direct";
    const roundAddedP50 = isDirect
      ? []
      : group.map((cell) => {
          const own = percentiles(cell.samples.map((s) => s.lastByteUs / 1_000)).p50;
          const sameRound = direct.find((d) => d.round === cell.round);
          return own - percentiles((sameRound?.samples ?? []).map((s) => s.lastByteUs / 1_000)).p50;
        });
    summaries.push({
      workload: first.workload,
      concurrency: first.concurrency,
      target: first.target,
      samples: samples.length,
      errors: group.reduce((sum, cell) => sum + cell.errors, 0),
      firstByte,
      lastByte,
      addedFirstByte: isDirect
        ? null
        : minus(firstByte, percentiles(directSamples.map((s) => s.firstByteUs / 1_000))),
      addedLastByte: isDirect
        ? null
        : minus(lastByte, percentiles(directSamples.map((s) => s.lastByteUs / 1_000))),
      roundAddedP50,
      cpuMsPerRequest: cpuPerRequest(group),
    });
  }
  return summaries;
}

export interface ThroughputSummary {
  target: SeriesName;
  concurrency: number;
  roundsRps: number[];
  medianRps: number;
  errors: number;
  lastByte: Percentiles;
  cpuMsPerRequest: Record<string, number>;
}

export function summarizeThroughput(cells: Cell[]): ThroughputSummary[] {
  const byTarget = new Map<SeriesName, Cell[]>();
  for (const cell of cells) byTarget.set(cell.target, [...(byTarget.get(cell.target) ?? []), cell]);
  return [...byTarget.entries()].map(([target, group]) => {
    const roundsRps = group.map((cell) => (cell.samples.length / cell.elapsedMs) * 1_000);
    return {
      target,
      concurrency: group[0]?.concurrency ?? 0,
      roundsRps,
      medianRps: median(roundsRps),
      errors: group.reduce((sum, cell) => sum + cell.errors, 0),
      lastByte: percentiles(group.flatMap((cell) => cell.samples.map((s) => s.lastByteUs / 1_000))),
      cpuMsPerRequest: cpuPerRequest(group),
    };
  });
}

/** What the log-writer did after a cell of ours with the pipeline paused: drain the logs the cell queued. */
export interface DrainSummary {
  /** The workload, or "plain (saturation)" for the throughput cells. */
  workload: string;
  concurrency: number;
  cells: number;
  logs: number;
  /** Median over the cells of the time the queue took to empty. */
  drainMsMedian: number;
  /** Logs drained per second, over all the cells (logs ÷ summed drain time). */
  logsPerSecond: number;
  /** CPU ms per log of each process while draining (the log-writer and the emulators above all). */
  cpuMsPerLog: Record<string, number>;
}

export function summarizeDrains(cells: Cell[]): DrainSummary[] {
  const groups = new Map<string, Cell[]>();
  for (const cell of cells) {
    if (cell.drainCpuMs === null || cell.queuedLogs === null) continue;
    const workload = cell.phase === "throughput" ? `${cell.workload} (saturation)` : cell.workload;
    const key = `${workload}|${cell.concurrency}`;
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  return [...groups.entries()].map(([key, group]) => {
    const [workload = "", concurrency = "0"] = key.split("|");
    const logs = group.reduce((sum, cell) => sum + (cell.queuedLogs ?? 0), 0);
    const drainMs = group.map((cell) => cell.drainMs ?? 0);
    const totals: Record<string, number> = {};
    for (const cell of group) {
      for (const [name, ms] of Object.entries(cell.drainCpuMs ?? {})) totals[name] = (totals[name] ?? 0) + ms;
    }
    return {
      workload,
      concurrency: Number(concurrency),
      cells: group.length,
      logs,
      drainMsMedian: median(drainMs),
      logsPerSecond: (logs / drainMs.reduce((sum, ms) => sum + ms, 0)) * 1_000,
      cpuMsPerLog: Object.fromEntries(Object.entries(totals).map(([name, ms]) => [name, ms / logs])),
    };
  });
}
