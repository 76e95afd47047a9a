import { keepAliveAgent, runLoad, type Sample } from "../load.ts";
import type { LogPipeline } from "../log-pipeline.ts";
import { cpuMsOf, cpuMsOfAll, logWriterPidsOf, servingPidsOf } from "../processes.ts";
import type { Stack } from "../stack.ts";
import { requestFor, type SeriesName, type Target, type TargetName, type Workload } from "../targets.ts";

/** One measured run: one target, one workload, one concurrency, one round. */
export interface Cell {
  phase: "latency" | "throughput";
  workload: string;
  /** The target, and for ours whether its log-writer was paused (`ours`) or running (`ours-running`). */
  target: SeriesName;
  concurrency: number;
  round: number;
  requests: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  samples: Sample[];
  /**
   * CPU ms each process used from the start of the cell to its last response; for ours with the pipeline
   * running, to the drained queue (the log-writer's work during and after the cell).
   */
  cpuMs: Record<string, number>;
  /** For ours: how long the log queue took to drain after the cell's last response. */
  drainMs: number | null;
  /** For ours with the pipeline paused: the log events queued at the end of the cell, drained afterwards. */
  queuedLogs: number | null;
  /** For ours with the pipeline paused: CPU ms each process used while the queue drained after the cell. */
  drainCpuMs: Record<string, number> | null;
}

/** `logwriter`: our gateway's child process, where the local runtime runs its queue poller and log-writer. */
export const PROCESSES = ["loadgen", "mock", "emulators", "logwriter", "ours", "peer"] as const;

function cpuSnapshot(stack: Stack): Record<string, number> {
  const own = process.cpuUsage();
  return {
    loadgen: (own.user + own.system) / 1_000,
    mock: cpuMsOf(stack.mock.pid),
    emulators: cpuMsOf(stack.emulators.pid),
    logwriter: cpuMsOfAll(logWriterPidsOf(stack.ours.pid)),
    ours: cpuMsOfAll(servingPidsOf(stack.ours.pid)),
    peer: stack.peer ? cpuMsOf(stack.peer.pid) : 0,
  };
}

export interface CellOptions {
  phase: Cell["phase"];
  round: number;
  concurrency: number;
  requests: number;
  maxMs: number;
  /** Response body size every request must have (from the probe). */
  expectBytes: number;
  /**
   * For ours: whether the log-writer is paused while the cell runs (drained after it, apart) or runs beside
   * the proxy (the default; "running" also labels the cell `ours-running`). Ignored for the other targets.
   */
  logPipeline?: "paused" | "running";
}

const minus = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(PROCESSES.map((name) => [name, (after[name] ?? 0) - (before[name] ?? 0)]));

/**
 * Opens `concurrency` keep-alive connections with a few unmeasured requests, then measures. After a cell
 * of ours, waits for the log queue to drain, so its log-writer never runs in another target's cell. With
 * the pipeline paused, the log-writer is stopped from the first measured request to the last response (the
 * proxy still sends every log event to the queue in that window), then resumed and timed while it drains.
 */
export async function runCell(
  stack: Stack,
  pipeline: LogPipeline,
  target: Target,
  workload: Workload,
  options: CellOptions,
): Promise<Cell> {
  const agent = keepAliveAgent(options.concurrency);
  const spec = requestFor(target, workload, options.expectBytes);
  try {
    await runLoad(agent, spec, {
      concurrency: options.concurrency,
      requests: options.concurrency * 2,
      maxMs: 10_000,
    });
    const isOurs = target.name === "ours";
    const paused = isOurs && options.logPipeline === "paused";
    if (isOurs) await pipeline.drain();
    if (paused) pipeline.pause();
    let queuedLogs: number | null = null;
    let drainCpuMs: Record<string, number> | null = null;
    let drainMs: number | null = null;
    let cpuMs: Record<string, number>;
    let result: Awaited<ReturnType<typeof runLoad>>;
    try {
      const before = cpuSnapshot(stack);
      result = await runLoad(agent, spec, {
        concurrency: options.concurrency,
        requests: options.requests,
        maxMs: options.maxMs,
      });
      const afterLoad = cpuSnapshot(stack);
      if (paused) {
        cpuMs = minus(afterLoad, before);
        // Every answered request sent one log event (the last ones right after their last byte).
        queuedLogs = result.samples.length + result.errors;
        pipeline.resume();
        const drainStart = cpuSnapshot(stack);
        drainMs = await pipeline.drain(300_000);
        drainCpuMs = minus(cpuSnapshot(stack), drainStart);
      } else {
        drainMs = isOurs ? await pipeline.drain() : null;
        cpuMs = minus(cpuSnapshot(stack), before);
      }
    } finally {
      if (paused) pipeline.resume();
    }
    return {
      phase: options.phase,
      workload: workload.name,
      // Cells that leave the mode unsaid (warm-up, the log-off diagnostic) keep ours' own name.
      target: isOurs && options.logPipeline === "running" ? "ours-running" : target.name,
      concurrency: options.concurrency,
      round: options.round,
      requests: result.samples.length + result.errors,
      errors: result.errors,
      firstError: result.firstError,
      elapsedMs: result.elapsedMs,
      samples: result.samples,
      cpuMs,
      drainMs,
      queuedLogs,
      drainCpuMs,
    };
  } finally {
    agent.destroy();
  }
}

/** One request per target and workload: each must answer 200, and its body size is what later ones must match. */
export async function probeBodySizes(
  targets: Target[],
  workloads: Workload[],
): Promise<Record<string, Record<TargetName, number>>> {
  const sizes: Record<string, Record<string, number>> = {};
  for (const workload of workloads) {
    sizes[workload.name] = {};
    for (const target of targets) {
      const agent = keepAliveAgent(1);
      try {
        const result = await runLoad(agent, requestFor(target, workload, null), {
          concurrency: 1,
          requests: 1,
          maxMs: 30_000,
        });
        const sample = result.samples[0];
        if (!sample) throw new Error(`${target.name} ${workload.name}: ${result.firstError}`);
        (sizes[workload.name] as Record<string, number>)[target.name] = sample.bytes;
      } finally {
        agent.destroy();
      }
    }
  }
  return sizes as Record<string, Record<TargetName, number>>;
}
