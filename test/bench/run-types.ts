import type { BenchConfig } from "./config.ts";
import type { Interference } from "./interference.ts";
import type { LogItemSizes } from "./log-items.ts";
import type { MachineInfo } from "./report/machine.ts";
import type { BigStreamRun } from "./scenarios/big-stream.ts";
import type { BundleResult } from "./scenarios/bundle.ts";
import type { Cell } from "./scenarios/cells.ts";
import type { ColdStartRun } from "./scenarios/cold-start.ts";
import type { DlpStreamCell } from "./scenarios/dlp-stream.ts";
import type { HandlerCpu } from "./scenarios/handler-cpu.ts";
import type { LambdaMemoryRun } from "./scenarios/lambda-memory.ts";
import type { DrainSummary, LatencySummary, ThroughputSummary } from "./summarize.ts";

/** Everything one `npm run bench` measured, for the CSV files and the reports. */
export interface BenchRun {
  startedAt: string;
  durationS: number;
  command: string;
  config: BenchConfig;
  machine: MachineInfo;
  startupMs: Record<string, number>;
  /** Our gateway's front processes (infra/local/front-pool.ts); 1 means it serves in its own process. */
  oursFrontProcesses: number;
  bodySizes: Record<string, Record<string, number>>;
  latencyCells: Cell[];
  throughputCells: Cell[];
  latency: LatencySummary[];
  /** Diagnostic: direct and ours with the log switched off per request (not a target). */
  logOffCells: Cell[];
  logOff: LatencySummary[];
  throughput: ThroughputSummary[];
  /** The log-writer's drain after each cell of ours with the pipeline paused (absent in runs before issue 24). */
  drains?: DrainSummary[];
  /** VmHWM (MiB) per process after the latency and throughput rounds, and at the end. */
  peakRssMiB: { afterLoad: Record<string, number>; atEnd: Record<string, number> };
  bigStreams: BigStreamRun[];
  /** The stream workload through our gateway with DLP off and on (every built-in profile, both directions). */
  dlpStream?: DlpStreamCell;
  bundle: BundleResult;
  coldStarts: ColdStartRun[];
  /** One process holding the proxy bundle as a Lambda instance does (absent in runs before issue 24). */
  lambdaMemory?: LambdaMemoryRun[];
  handlerCpu: HandlerCpu[];
  /** Logs stored in DynamoDB during the measured rounds, against requests our gateway answered there. */
  logs: { expected: number; stored: number };
  logItems: LogItemSizes;
  /** Other processes' CPU on the machine during the latency and throughput rounds. */
  interference: Interference;
}
