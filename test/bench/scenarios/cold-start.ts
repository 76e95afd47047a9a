import { writeFileSync } from "node:fs";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { runNodeForJson } from "../processes.ts";

export interface ColdStartRun {
  run: number;
  /** Spawn to exit, as the parent sees it. */
  wallMs: number;
  /** From the process's time origin to the first line of the child script. */
  nodeBootMs: number;
  /** `await import(bundle)`: parse, compile and run the module's top level (env, SDK clients). */
  importMs: number;
  /** From the end of the import to the first body byte / the last byte written to the response stream. */
  firstByteMs: number;
  lastByteMs: number;
  /** From the end of the import to the handler's return (the log event queued). */
  handlerReturnMs: number;
  statusCode: number;
}

/**
 * `runs` fresh processes, one after the other; each imports the proxy bundle and serves one request
 * (DynamoDB read of the gateway, the provider call to the mock, the stream to a sink, the log to SQS).
 */
export async function measureColdStarts(options: {
  childFile: string;
  /** preload/resolve-localhost.mjs: fauxqs's queue host resolves to loopback. */
  preload: string;
  bundleFile: string;
  event: APIGatewayProxyEvent;
  eventFile: string;
  env: Record<string, string>;
  runs: number;
}): Promise<ColdStartRun[]> {
  writeFileSync(options.eventFile, JSON.stringify(options.event));
  const runs: ColdStartRun[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const started = performance.now();
    const output = await runNodeForJson(
      [
        // No --enable-source-maps: the stack leaves it off for the proxy (infra/aws/constructs/gateway-function.ts).
        "--import",
        options.preload,
        options.childFile,
        options.bundleFile,
        options.eventFile,
      ],
      { env: options.env, timeoutMs: 30_000 },
    );
    const wallMs = performance.now() - started;
    runs.push({ run, wallMs, ...(output as Omit<ColdStartRun, "run" | "wallMs">) });
  }
  return runs;
}
