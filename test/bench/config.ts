/**
 * Unmeasured invocations of each event before the handler CPU child measures any. V8 optimizes code that runs
 * once per request only after thousands of requests: after 500 the plain request measured ~1,100 µs of CPU,
 * after 4,000 ~730 µs, where it stays. BENCH_CPU_WARMUP lowers it to check the harness quickly.
 */
export const HANDLER_CPU_WARMUP = Number(process.env.BENCH_CPU_WARMUP || 4000);

/** Every knob of `npm run bench`, from the environment, with defaults sized for ~8 minutes on 2 cores. */
export interface BenchConfig {
  /** Interleaved latency rounds (direct, ours, peer per cell). */
  rounds: number;
  /**
   * Requests per target and workload before the first round, to warm up JITs and connection pools. V8
   * optimizes what runs once per request only after thousands of requests: with 1000, our process's CPU
   * per plain request still fell from 1.08 to 0.72 ms over the next 3000; with 5000 it starts at 0.70.
   */
  warmupRequests: number;
  concurrencies: number[];
  /** Requests per cell (one target, one workload, one concurrency, one round), by concurrency. */
  requestsPerCell: Record<number, number>;
  /** Upper bound on a cell's duration. */
  cellMaxMs: number;
  /** Content deltas of the stream workload. */
  streamChunks: number;
  /** x-mock-chunk-delay-ms of the stream workload. */
  chunkDelayMs: number;
  /** Requests per side of the DLP stream cell (off and on, alternating; BENCH_DLP_REQUESTS). */
  dlpRequests: number;
  /**
   * Unmeasured requests per side before the DLP stream cell (BENCH_DLP_WARMUP): the run's warm-up never
   * reaches the DLP scanner, whose per-event code V8 optimizes only after some hundreds of streams.
   */
  dlpWarmup: number;
  /** Bytes of text the plain completion carries in 5 deltas (x-mock-chunk-bytes), giving a ~1 KB body. */
  plainChunkBytes: number;
  saturationConcurrency: number;
  saturationSeconds: number;
  saturationRounds: number;
  /** The large stream whose RSS growth is measured. */
  bigStreamMiB: number;
  bigStreamRuns: number;
  coldRuns: number;
  /** Streams held open at once in the memory child, for the memory one open stream takes (BENCH_OPEN_STREAMS). */
  openStreams: number;
  cpuRequests: number;
  mock: "lean" | "shared";
  /**
   * Whether the peer runs (BENCH_PEER=0 leaves it out, to check the harness where test/bench's own install,
   * which brings the peer, has not been done; its columns then read n/a).
   */
  peer: boolean;
  /** How long to wait at the start for other processes to leave the machine (BENCH_QUIET_WAIT_S). */
  quietWaitS: number;
  /** Runs our gateway with --cpu-prof, profiles written under results/profiles/. */
  profile: boolean;
  /** Where the mock and our gateway write their request marks (profile.ts with PROFILE_PHASES=1). */
  phasesDir: string | null;
  resultsDir: string;
  reportPath: string;
  costPath: string;
}

function int(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}`);
  return value;
}

export function readConfig(repositoryRoot: string): BenchConfig {
  const concurrencies = (process.env.BENCH_CONCURRENCIES ?? "1,16,64").split(",").map(Number);
  if (concurrencies.some((c) => !Number.isInteger(c) || c < 1))
    throw new Error("BENCH_CONCURRENCIES: 1,16,64");
  const perCell = int("BENCH_REQUESTS", 0);
  const requestsPerCell: Record<number, number> = {};
  for (const c of concurrencies) requestsPerCell[c] = perCell || Math.max(500, c * 16);
  return {
    rounds: int("BENCH_ROUNDS", 3, 1),
    warmupRequests: int("BENCH_WARMUP", 5000),
    concurrencies,
    requestsPerCell,
    cellMaxMs: int("BENCH_CELL_MAX_MS", 15_000, 100),
    streamChunks: int("BENCH_STREAM_CHUNKS", 50, 1),
    dlpRequests: int("BENCH_DLP_REQUESTS", 1000, 1),
    dlpWarmup: int("BENCH_DLP_WARMUP", 500),
    chunkDelayMs: int("BENCH_CHUNK_DELAY_MS", 0),
    plainChunkBytes: int("BENCH_PLAIN_CHUNK_BYTES", 100),
    saturationConcurrency: int("BENCH_SAT_CONCURRENCY", 64, 1),
    saturationSeconds: int("BENCH_SAT_SECONDS", 4, 1),
    saturationRounds: int("BENCH_SAT_ROUNDS", 3, 1),
    bigStreamMiB: int("BENCH_BIG_STREAM_MIB", 50, 1),
    bigStreamRuns: int("BENCH_BIG_STREAM_RUNS", 3, 1),
    coldRuns: int("BENCH_COLD_RUNS", 7, 1),
    openStreams: int("BENCH_OPEN_STREAMS", 50, 1),
    cpuRequests: int("BENCH_CPU_REQUESTS", 2000, 10),
    mock: process.env.BENCH_MOCK === "shared" ? "shared" : "lean",
    peer: process.env.BENCH_PEER !== "0",
    quietWaitS: int("BENCH_QUIET_WAIT_S", 300),
    profile: process.env.BENCH_PROFILE === "1",
    phasesDir: process.env.BENCH_PHASES_DIR || null,
    resultsDir: process.env.BENCH_RESULTS_DIR ?? `${repositoryRoot}test/bench/results`,
    reportPath: process.env.BENCH_REPORT ?? `${repositoryRoot}docs/benchmarks.md`,
    costPath: process.env.BENCH_COST_REPORT ?? `${repositoryRoot}docs/cost.md`,
  };
}
