import type { BenchConfig } from "../config.ts";
import type { LogPipeline } from "../log-pipeline.ts";
import type { Stack } from "../stack.ts";
import type { Target, TargetName, Workload } from "../targets.ts";
import { type Cell, type CellOptions, runCell } from "./cells.ts";

type Sizes = Record<string, Record<TargetName, number>>;

/** Unmeasured load on every target and workload at concurrency 16, to warm JITs, pools and caches. */
export async function warmUp(
  stack: Stack,
  pipeline: LogPipeline,
  workloads: Workload[],
  sizes: Sizes,
  requests: number,
): Promise<void> {
  if (requests === 0) return;
  for (const workload of workloads) {
    for (const target of stack.targets) {
      const cell = await runCell(stack, pipeline, target, workload, {
        phase: "latency",
        round: 0,
        concurrency: 16,
        requests,
        maxMs: 60_000,
        expectBytes: sizes[workload.name]?.[target.name] ?? 0,
      });
      if (cell.errors > 0) throw new Error(`warm-up of ${target.name}: ${cell.firstError}`);
    }
  }
}

/** For ours, two cells: its log-writer paused (the headline, as on AWS), then running (as under `npm start`). */
function pipelineModes(target: Target): Array<CellOptions["logPipeline"]> {
  return target.name === "ours" ? ["paused", "running"] : [undefined];
}

/**
 * The latency rounds: for each round, workload and concurrency, the targets one after the other (direct,
 * ours with its log pipeline paused, then running, peer), so that drift of the machine hits all alike.
 */
export async function latencyRounds(
  stack: Stack,
  pipeline: LogPipeline,
  config: BenchConfig,
  workloads: Workload[],
  sizes: Sizes,
  progress: (cell: Cell) => void,
): Promise<Cell[]> {
  const cells: Cell[] = [];
  for (let round = 1; round <= config.rounds; round++) {
    for (const workload of workloads) {
      for (const concurrency of config.concurrencies) {
        for (const target of stack.targets) {
          for (const logPipeline of pipelineModes(target)) {
            const cell = await runCell(stack, pipeline, target, workload, {
              phase: "latency",
              round,
              concurrency,
              requests: config.requestsPerCell[concurrency] ?? 500,
              maxMs: config.cellMaxMs,
              expectBytes: sizes[workload.name]?.[target.name] ?? 0,
              logPipeline,
            });
            cells.push(cell);
            progress(cell);
          }
        }
      }
    }
  }
  return cells;
}

/** Throughput at saturation: a closed loop at high concurrency for a fixed time, interleaved by round. */
export async function throughputRounds(
  stack: Stack,
  pipeline: LogPipeline,
  config: BenchConfig,
  workload: Workload,
  sizes: Sizes,
  progress: (cell: Cell) => void,
): Promise<Cell[]> {
  const cells: Cell[] = [];
  for (let round = 1; round <= config.saturationRounds; round++) {
    for (const target of stack.targets) {
      for (const logPipeline of pipelineModes(target)) {
        const cell = await runCell(stack, pipeline, target, workload, {
          phase: "throughput",
          round,
          concurrency: config.saturationConcurrency,
          requests: 10_000_000,
          maxMs: config.saturationSeconds * 1_000,
          expectBytes: sizes[workload.name]?.[target.name] ?? 0,
          logPipeline,
        });
        cells.push(cell);
        progress(cell);
      }
    }
  }
  return cells;
}

/**
 * Diagnostic only, never a target: direct and ours with `cf-aig-collect-log: false` on every request, so the
 * report can show how much of our added latency is the log pipeline (send, queue, log-writer) on this machine.
 */
export async function logOffRounds(
  stack: Stack,
  pipeline: LogPipeline,
  config: BenchConfig,
  workload: Workload,
  sizes: Sizes,
  progress: (cell: Cell) => void,
): Promise<Cell[]> {
  const cells: Cell[] = [];
  const targets = stack.targets.filter((target) => target.name !== "peer");
  for (let round = 1; round <= Math.min(2, config.rounds); round++) {
    for (const concurrency of config.concurrencies.filter((c) => c <= 16)) {
      for (const target of targets) {
        const cell = await runCell(stack, pipeline, target, workload, {
          phase: "latency",
          round,
          concurrency,
          requests: config.requestsPerCell[concurrency] ?? 500,
          maxMs: config.cellMaxMs,
          expectBytes: sizes.plain?.[target.name] ?? 0,
        });
        cells.push(cell);
        progress(cell);
      }
    }
  }
  return cells;
}
