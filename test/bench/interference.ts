import { availableParallelism } from "node:os";
import {
  cpuMsOf,
  cpuMsOfAll,
  loadAverage,
  logWriterPidsOf,
  machineCpuMs,
  servingPidsOf,
} from "./processes.ts";
import type { Stack } from "./stack.ts";

/** How much of the machine's CPU went to processes other than this benchmark's during the measured rounds. */
export interface Interference {
  windowS: number;
  /** CPU seconds the whole machine was busy, and of those, the benchmark's own processes. */
  machineBusyS: number;
  benchS: number;
  otherS: number;
  /** CPU seconds the hypervisor took (steal). */
  stealS: number;
  loadBefore: string;
  loadAfter: string;
}

function benchCpuMs(stack: Stack): number {
  const own = process.cpuUsage();
  const services = [stack.mock, stack.emulators, stack.peer];
  const servicesMs = services.reduce((sum, s) => sum + (s ? cpuMsOf(s.pid) : 0), 0);
  // Ours with all its children: the front processes and the log-writer.
  const oursMs = cpuMsOfAll([...servingPidsOf(stack.ours.pid), ...logWriterPidsOf(stack.ours.pid)]);
  return (own.user + own.system) / 1000 + servicesMs + oursMs;
}

export function startInterferenceWatch(stack: Stack): () => Interference {
  const started = performance.now();
  const machine = machineCpuMs();
  const bench = benchCpuMs(stack);
  const loadBefore = loadAverage();
  return () => {
    const machineNow = machineCpuMs();
    const machineBusyS = (machineNow.busy - machine.busy) / 1000;
    const benchS = (benchCpuMs(stack) - bench) / 1000;
    return {
      windowS: (performance.now() - started) / 1000,
      machineBusyS,
      benchS,
      otherS: Math.max(0, machineBusyS - benchS),
      stealS: (machineNow.steal - machine.steal) / 1000,
      loadBefore,
      loadAfter: loadAverage(),
    };
  };
}

/**
 * Waits (at most `maxWaitS`) until the machine is quiet: other processes using under `threshold` of all cores
 * over a 3 s window. Returns the busy fraction last seen; the run goes on either way, and the report says
 * how much other load there was.
 */
export async function waitForQuietMachine(
  maxWaitS: number,
  threshold: number,
  log: (message: string) => void,
): Promise<number> {
  const cores = availableParallelism();
  const deadline = Date.now() + maxWaitS * 1000;
  for (;;) {
    const before = machineCpuMs().busy;
    const own = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const ownUsage = process.cpuUsage(own);
    const ownMs = (ownUsage.user + ownUsage.system) / 1000;
    const busy = (machineCpuMs().busy - before - ownMs) / (3_000 * cores);
    if (busy < threshold || Date.now() >= deadline) {
      if (busy >= threshold)
        log(`the machine is still busy (${(busy * 100).toFixed(0)}% of ${cores} cores): going on`);
      return busy;
    }
    log(`other processes use ${(busy * 100).toFixed(0)}% of ${cores} cores; waiting for a quiet machine`);
  }
}
