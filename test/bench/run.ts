/**
 * `npm run bench`: our gateway, Portkey's gateway and a direct-to-mock baseline, side by side on 127.0.0.1,
 * each in its own process; raw results as CSV under test/bench/results/, reports in docs/benchmarks.md and
 * docs/cost.md. Knobs: test/bench/config.ts (BENCH_ROUNDS, BENCH_REQUESTS, ...).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chatCompletionEvent } from "./children/lambda-event.ts";
import { readConfig } from "./config.ts";
import { startInterferenceWatch, waitForQuietMachine } from "./interference.ts";
import { measureLogItems } from "./log-items.ts";
import { type LogPipeline, oursWithPipeline } from "./log-pipeline.ts";
import { memoryOfAll, servingPidsOf } from "./processes.ts";
import { writeCostReport } from "./report/cost.ts";
import { writeCsvFiles } from "./report/csv.ts";
import { machineInfo } from "./report/machine.ts";
import { writeBenchmarkReport } from "./report/markdown.ts";
import { checkTargets } from "./report/targets.ts";
import type { BenchRun } from "./run-types.ts";
import { type BigStreamRun, measureBigStream } from "./scenarios/big-stream.ts";
import { bundleChild, bundleColdStartChild, bundleProxy } from "./scenarios/bundle.ts";
import { type Cell, probeBodySizes } from "./scenarios/cells.ts";
import { measureColdStarts } from "./scenarios/cold-start.ts";
import { measureDlpStream } from "./scenarios/dlp-stream.ts";
import { type HandlerCpu, measureHandlerCpu } from "./scenarios/handler-cpu.ts";
import { measureLambdaMemory } from "./scenarios/lambda-memory.ts";
import { latencyRounds, logOffRounds, throughputRounds, warmUp } from "./scenarios/latency.ts";
import { BENCH_ADMIN_TOKEN, type Stack, startStack } from "./stack.ts";
import { percentile, sortedCopy } from "./stats.ts";
import { summarizeDrains, summarizeLatency, summarizeThroughput } from "./summarize.ts";
import type { Workload } from "./targets.ts";
import { bigStreamWorkload, plainLogOffWorkload, plainWorkload, streamWorkload } from "./workloads.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const benchDir = `${root}test/bench/`;
const config = readConfig(root);
const startedAt = new Date();
const MiB = 2 ** 20;
const elapsed = () => ((Date.now() - startedAt.getTime()) / 1000).toFixed(0);
const log = (message: string) => console.log(`[bench ${elapsed()}s] ${message}`);

function describe(cell: Cell): string {
  const sorted = sortedCopy(cell.samples.map((s) => s.lastByteUs / 1000));
  const rps = (cell.samples.length / cell.elapsedMs) * 1000;
  const errors = cell.errors ? `, ${cell.errors} errors (${cell.firstError})` : "";
  return `${cell.phase} r${cell.round} ${cell.workload} c=${cell.concurrency} ${cell.target}: ${cell.requests} req, ${rps.toFixed(0)}/s, p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms${errors}`;
}

function peakRss(stack: Stack): Record<string, number> {
  const pids = {
    ours: stack.ours.pid,
    peer: stack.peer?.pid,
    mock: stack.mock.pid,
    emulators: stack.emulators.pid,
  };
  return Object.fromEntries(
    Object.entries(pids)
      .filter((entry): entry is [string, number] => entry[1] !== undefined)
      .map(([name, pid]) => [name, memoryOfAll(servingPidsOf(pid)).hwm / MiB]),
  );
}

/** Requests our gateway answered in these cells (pipeline paused or running), connection warm-ups included. */
function requestsToOurs(cells: Cell[]): number {
  return cells
    .filter((cell) => cell.target === "ours" || cell.target === "ours-running")
    .reduce((sum, cell) => sum + cell.requests - cell.errors + cell.concurrency * 2, 0);
}

/** The handler CPU children: the source and the bundle, with and without the log, on API Gateway events. */
async function handlerCpu(
  stack: Stack,
  pipeline: LogPipeline,
  env: Record<string, string>,
  work: string,
  bundleFile: string,
  workloads: Workload[],
) {
  const accountId = stack.oursEnv.ACCOUNT_ID ?? "local";
  const eventFile = (name: string, workload: Workload, extra: Record<string, string> = {}) => {
    const file = `${work}/event-${name}.json`;
    const event = chatCompletionEvent({
      accountId,
      adminToken: BENCH_ADMIN_TOKEN,
      stream: workload.stream,
      mockHeaders: { ...workload.mockHeaders, ...extra },
    });
    writeFileSync(file, JSON.stringify(event));
    return file;
  };
  const [plain, stream] = workloads as [Workload, Workload];
  const main = { plain: eventFile("plain", plain), stream: eventFile("stream", stream) };
  const breakdown = {
    ...main,
    "plain, no log bodies": eventFile("plain-no-bodies", plain, { "cf-aig-collect-log-payload": "false" }),
    "plain, no log": eventFile("plain-no-log", plain, { "cf-aig-collect-log": "false" }),
  };
  const results: HandlerCpu[] = [];
  for (const [variant, module, events] of [
    ["source (tsx)", `${root}functions/proxy/handler.ts`, breakdown],
    ["bundle", bundleFile, main],
  ] as const) {
    const measured = await measureHandlerCpu({
      benchDir,
      variant,
      module,
      count: config.cpuRequests,
      events,
      env,
    });
    // The child's log events are now queued for our log-writer: let it finish before anything else is timed.
    await pipeline.drain(300_000);
    for (const result of measured)
      log(`handler CPU, ${variant}, ${result.workload}: ${result.cpuUsPerRequest.toFixed(0)} µs/request`);
    results.push(...measured);
  }
  return { results, plainEvent: main.plain };
}

/** The proxy's default MAX_REQUEST_BODY_BYTES (shared/config/env.ts), less room for the JSON around the message. */
const LARGE_REQUEST_CONTENT_BYTES = 4 * MiB - 1024;

/**
 * The memory child's events: the plain completion, the large stream, a plain completion whose request body is
 * near the proxy's limit (logged with its body, as every request is by default), and a stream that stays open
 * ~1 s (50 deltas 20 ms apart) so that many are open at once.
 */
function lambdaMemoryEvents(stack: Stack, plain: Workload) {
  const event = (stream: boolean, mockHeaders: Record<string, string>, content?: string) =>
    chatCompletionEvent({
      accountId: stack.oursEnv.ACCOUNT_ID ?? "local",
      adminToken: BENCH_ADMIN_TOKEN,
      stream,
      mockHeaders,
      ...(content === undefined ? {} : { content }),
    });
  return {
    plain: event(false, plain.mockHeaders),
    big: event(true, bigStreamWorkload(config.bigStreamMiB).mockHeaders),
    // Random text, so that the logged body's gzip is as large as a real one's, not a repeated letter's.
    large: event(
      false,
      plain.mockHeaders,
      randomBytes((LARGE_REQUEST_CONTENT_BYTES * 3) / 4).toString("base64"),
    ),
    open: event(true, { "x-mock-chunks": "50", "x-mock-chunk-delay-ms": "20" }),
  };
}

async function main(): Promise<void> {
  // The SDK's notice that its 2027 releases need Node 22 (this machine runs Node 20) is not news here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  log(`config: ${JSON.stringify(config)}`);
  const machine = machineInfo(root);
  mkdirSync(config.resultsDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "aig-bench-"));
  log("bundling our proxy with esbuild");
  const bundle = await bundleProxy(root, `${work}/proxy`);
  const coldChild = await bundleColdStartChild(benchDir, work);
  const memoryChild = await bundleChild(benchDir, work, "lambda-memory");
  log(`proxy bundle: ${bundle.bytes} bytes (gzip ${bundle.gzipBytes}, map ${bundle.mapBytes})`);

  await waitForQuietMachine(config.quietWaitS, 0.1, log);
  const stack = await startStack(config, benchDir);
  log(`started (ms): ${JSON.stringify(stack.startupMs)}`);
  const { ours, pipeline } = oursWithPipeline(stack);
  try {
    const workloads = [plainWorkload(config), streamWorkload(config)];
    const [plain] = workloads as [Workload];
    const sizes = await probeBodySizes(stack.targets, workloads);
    log(`response body bytes: ${JSON.stringify(sizes)}`);
    log(`warm-up: ${config.warmupRequests} requests per target and workload`);
    await warmUp(stack, pipeline, workloads, sizes, config.warmupRequests);
    await pipeline.drain();
    const storedBefore = await pipeline.storedLogs();
    const stopWatch = startInterferenceWatch(stack);

    const latencyCells = await latencyRounds(stack, pipeline, config, workloads, sizes, (cell) =>
      log(describe(cell)),
    );
    const throughputCells = await throughputRounds(stack, pipeline, config, plain, sizes, (cell) =>
      log(describe(cell)),
    );
    const interference = stopWatch();
    const logOffCells = await logOffRounds(
      stack,
      pipeline,
      config,
      plainLogOffWorkload(config),
      sizes,
      (cell) => log(describe(cell)),
    );
    log(
      `other processes used ${interference.otherS.toFixed(1)} CPU s during the rounds (steal ${interference.stealS.toFixed(1)} s)`,
    );
    const afterLoad = peakRss(stack);
    const stored = (await pipeline.storedLogs()) - storedBefore;
    const expected = requestsToOurs([...latencyCells, ...throughputCells]);
    log(`logs stored during the rounds: ${stored} of ${expected} requests to our gateway`);
    const logItems = await measureLogItems(stack.oursEnv);

    const bigStreams: BigStreamRun[] = [];
    const big = bigStreamWorkload(config.bigStreamMiB);
    for (let run = 1; run <= config.bigStreamRuns; run++) {
      for (const target of stack.targets.filter((t) => t.name !== "direct")) {
        const result = await measureBigStream(target, big, run, pipeline);
        bigStreams.push(result);
        log(
          `${big.name} through ${target.name}, run ${run}: ${result.bytes} bytes in ${result.durationMs.toFixed(0)} ms, RSS +${result.growthMiB.toFixed(1)} MiB`,
        );
      }
    }

    const dlpStream = await measureDlpStream(
      ours,
      { accountId: stack.oursEnv.ACCOUNT_ID ?? "local", adminToken: BENCH_ADMIN_TOKEN },
      streamWorkload(config),
      { requests: config.dlpRequests, warmup: config.dlpWarmup },
      pipeline,
    );
    log(
      `DLP on a ${config.streamChunks}-chunk stream: first byte +${dlpStream.addedFirstByteMs} ms, last byte +${dlpStream.addedLastByteMs} ms (medians, on - off): ${JSON.stringify(dlpStream)}`,
    );

    const childEnv: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      ...stack.oursEnv,
      POWERTOOLS_SERVICE_NAME: "ai-gateway-proxy",
      POWERTOOLS_LOG_LEVEL: "INFO",
      ...(process.env.BENCH_CPU_WARMUP ? { BENCH_CPU_WARMUP: process.env.BENCH_CPU_WARMUP } : {}),
      // As on Lambda: one request at a time, each log event sent before the invocation ends.
      LOG_BATCH_LINGER_MS: "0",
    };
    const cpu = await handlerCpu(stack, pipeline, childEnv, work, bundle.file, workloads);
    const coldStarts = await measureColdStarts({
      childFile: coldChild,
      preload: `${benchDir}preload/resolve-localhost.mjs`,
      bundleFile: bundle.file,
      event: chatCompletionEvent({
        accountId: stack.oursEnv.ACCOUNT_ID ?? "local",
        adminToken: BENCH_ADMIN_TOKEN,
        stream: false,
        mockHeaders: plain.mockHeaders,
      }),
      eventFile: `${work}/cold-event.json`,
      env: childEnv,
      runs: config.coldRuns,
    });
    for (const run of coldStarts) {
      log(
        `cold start ${run.run}: import ${run.importMs.toFixed(0)} ms + first request ${run.lastByteMs.toFixed(0)} ms (status ${run.statusCode})`,
      );
    }
    await pipeline.drain();
    const lambdaMemory = await measureLambdaMemory({
      childFile: memoryChild,
      preload: `${benchDir}preload/resolve-localhost.mjs`,
      bundleFile: bundle.file,
      events: lambdaMemoryEvents(stack, plain),
      eventsFile: `${work}/memory-events.json`,
      openStreams: config.openStreams,
      env: childEnv,
      runs: config.bigStreamRuns,
    });
    for (const m of lambdaMemory) {
      log(
        `memory of one proxy process, run ${m.run}: node ${m.runtimeBaselineMiB.toFixed(1)} MiB, imported ${m.afterImportMiB.toFixed(1)}, peak with ${config.bigStreamMiB} MiB streamed ${m.bigStreamPeakMiB.toFixed(1)}, ${m.perOpenStreamMiB.toFixed(3)} MiB per open stream`,
      );
    }
    await pipeline.drain();

    const run: BenchRun = {
      startedAt: startedAt.toISOString(),
      durationS: (Date.now() - startedAt.getTime()) / 1000,
      command: "npm run bench",
      config,
      machine,
      startupMs: stack.startupMs,
      oursFrontProcesses: Math.max(1, servingPidsOf(stack.ours.pid).length - 1),
      bodySizes: sizes,
      latencyCells,
      throughputCells,
      latency: summarizeLatency(latencyCells),
      logOffCells,
      logOff: summarizeLatency(logOffCells),
      throughput: summarizeThroughput(throughputCells),
      drains: summarizeDrains([...latencyCells, ...throughputCells]),
      peakRssMiB: { afterLoad, atEnd: peakRss(stack) },
      bigStreams,
      dlpStream,
      bundle,
      coldStarts,
      lambdaMemory,
      handlerCpu: cpu.results,
      logs: { expected, stored },
      logItems,
      interference,
    };
    writeCsvFiles(run, config.resultsDir, root);
    writeBenchmarkReport(run, config.reportPath, `${benchDir}report/notes.md`);
    writeCostReport(run, config.costPath);
    for (const check of checkTargets(run)) {
      log(`${check.met ? "met   " : "MISSED"} ${check.target}: ${check.measured} (${check.threshold})`);
    }
    log(`reports: ${config.reportPath}, ${config.costPath}; raw data: ${config.resultsDir}/`);
  } finally {
    pipeline.close();
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
