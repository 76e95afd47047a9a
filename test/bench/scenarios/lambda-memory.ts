import { writeFileSync } from "node:fs";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { runNodeForJson } from "../processes.ts";

/** What one process running the proxy bundle holds (children/lambda-memory.ts), RSS in MiB. */
export interface LambdaMemoryRun {
  run: number;
  /** Node booted with the child's own small script: the runtime's share, before any of our code. */
  runtimeBaselineMiB: number;
  afterImportMiB: number;
  afterPlainMiB: number;
  bigStreamBytes: number;
  bigStreamRssBeforeMiB: number;
  /** The process's peak (VmHWM) once the large stream is through: what Lambda reports as Max Memory Used. */
  bigStreamPeakMiB: number;
  /** A request body near the proxy's limit (MAX_REQUEST_BODY_BYTES): its size and the peak once it is through. */
  largeRequestBodyBytes: number;
  largeRequestPeakMiB: number;
  openStreams: number;
  openStreamsRssBeforeMiB: number;
  openStreamsPeakMiB: number;
  /** RSS growth with `openStreams` streams open at once, per stream. */
  perOpenStreamMiB: number;
}

/**
 * `runs` fresh processes, one after the other; each imports the proxy bundle, serves a plain request, one
 * large stream, a request with a body near the proxy's limit and then `openStreams` slow streams at once (against the emulators and the mock).
 */
export async function measureLambdaMemory(options: {
  childFile: string;
  /** preload/resolve-localhost.mjs: fauxqs's queue host resolves to loopback. */
  preload: string;
  bundleFile: string;
  events: Record<"plain" | "big" | "large" | "open", APIGatewayProxyEvent>;
  eventsFile: string;
  openStreams: number;
  env: Record<string, string>;
  runs: number;
}): Promise<LambdaMemoryRun[]> {
  writeFileSync(options.eventsFile, JSON.stringify(options.events));
  const runs: LambdaMemoryRun[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const output = await runNodeForJson(
      [
        "--import",
        options.preload,
        options.childFile,
        options.bundleFile,
        options.eventsFile,
        String(options.openStreams),
      ],
      { env: options.env, timeoutMs: 120_000 },
    );
    runs.push({ run, ...(output as Omit<LambdaMemoryRun, "run">) });
  }
  return runs;
}
