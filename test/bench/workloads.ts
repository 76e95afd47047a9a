import type { BenchConfig } from "./config.ts";
import type { Workload } from "./targets.ts";

/** A ~1 KB chat completion: five content deltas of `plainChunkBytes` each, joined, in one JSON body. */
export function plainWorkload(config: BenchConfig): Workload {
  return {
    name: "plain",
    stream: false,
    mockHeaders: { "x-mock-chunk-bytes": String(config.plainChunkBytes) },
  };
}

/** A chat completion stream of `streamChunks` content deltas (plus role, finish and [DONE] events). */
export function streamWorkload(config: BenchConfig): Workload {
  return {
    name: "stream",
    stream: true,
    mockHeaders: {
      "x-mock-chunks": String(config.streamChunks),
      "x-mock-chunk-delay-ms": String(config.chunkDelayMs),
    },
  };
}

/** A stream of `mib` MiB of content in 64 KiB deltas. */
export function bigStreamWorkload(mib: number): Workload {
  return {
    name: `stream-${mib}MiB`,
    stream: true,
    mockHeaders: { "x-mock-chunks": String(mib * 16), "x-mock-chunk-bytes": "65536" },
  };
}

/** The plain workload with the log switched off per request (diagnostic rounds only). */
export function plainLogOffWorkload(config: BenchConfig): Workload {
  const plain = plainWorkload(config);
  return {
    ...plain,
    name: "plain-log-off",
    mockHeaders: { ...plain.mockHeaders, "cf-aig-collect-log": "false" },
  };
}
