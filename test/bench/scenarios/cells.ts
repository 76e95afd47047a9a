import { keepAliveAgent, runLoad, type Sample } from "../load.ts";
import type { LogPipeline } from "../log-pipeline.ts";
import { cpuMsOf, cpuMsOfAll, logWriterPidsOf, servingPidsOf } from "../processes.ts";
import type { Stack } from "../stack.ts";
import { requestFor, type Target, type TargetName, type Workload } from "../targets.ts";

/** One measured run: one target, one workload, one concurrency, one round. */
export interface Cell {
  phase: "latency" | "throughput";
  workload: string;
  target: TargetName;
  concurrency: number;
  round: number;
  requests: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  samples: Sample[];
  /** CPU ms each process used from the start of the cell to its end (for ours, to the drained queue). */
  cpuMs: Record<string, number>;
  /** For ours: how long the log queue took to drain after the cell's last response. */
  drainMs: number | null;
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
    peer: cpuMsOf(stack.peer.pid),
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
}

/**
 * Opens `concurrency` keep-alive connections with a few unmeasured requests, then measures. After a cell
 * of ours, waits for the log queue to drain, so its log-writer never runs in another target's cell.
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
    if (target.name === "ours") await pipeline.drain();
    const before = cpuSnapshot(stack);
    const result = await runLoad(agent, spec, {
      concurrency: options.concurrency,
      requests: options.requests,
      maxMs: options.maxMs,
    });
    const drainMs = target.name === "ours" ? await pipeline.drain() : null;
    const after = cpuSnapshot(stack);
    const cpuMs = Object.fromEntries(
      PROCESSES.map((name) => [name, (after[name] ?? 0) - (before[name] ?? 0)]),
    );
    return {
      phase: options.phase,
      workload: workload.name,
      target: target.name,
      concurrency: options.concurrency,
      round: options.round,
      requests: result.samples.length + result.errors,
      errors: result.errors,
      firstError: result.firstError,
      elapsedMs: result.elapsedMs,
      samples: result.samples,
      cpuMs,
      drainMs,
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
