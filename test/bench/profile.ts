/**
 * A quick look at our gateway alone, for profiling on a busy machine where wall-clock numbers mean little:
 * starts the mock, the emulators and our gateway (as `npm run bench` does), sends PROFILE_REQUESTS plain
 * (or PROFILE_WORKLOAD=stream, plain-log-off) requests at concurrency PROFILE_CONCURRENCY through the HTTP front, waits
 * for the log queue to drain, and prints the CPU time per request of each process (from /proc, so the
 * log-writer's share is counted wherever it runs). With BENCH_PROFILE=1 our gateway runs under --cpu-prof
 * (profiles under results/profiles/, written when it stops). Then, unless PROFILE_HANDLER=0, the handler CPU
 * child of `npm run bench` (the proxy handler in process, without the HTTP front) on the same workload, under
 * --cpu-prof too with BENCH_PROFILE=1. With PROFILE_PHASES=1 (at PROFILE_CONCURRENCY=1) it also prints where the
 * time of a request goes between the load generator, our front and the mock (phases.ts).
 *   node --import tsx test/bench/profile.ts
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chatCompletionEvent } from "./children/lambda-event.ts";
import { readConfig } from "./config.ts";
import { keepAliveAgent, type LoadResult, runLoad } from "./load.ts";
import { oursWithPipeline } from "./log-pipeline.ts";
import { phaseTable } from "./phases.ts";
import { cpuMsOf, cpuMsOfAll, logWriterPidsOf, servingPidsOf } from "./processes.ts";
import { measureHandlerCpu } from "./scenarios/handler-cpu.ts";
import { BENCH_ADMIN_TOKEN, startStack } from "./stack.ts";
import { requestFor } from "./targets.ts";
import { plainLogOffWorkload, plainWorkload, streamWorkload } from "./workloads.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = fileURLToPath(new URL("../../", import.meta.url));
const phases = process.env.PROFILE_PHASES === "1";
if (phases) process.env.BENCH_PHASES_DIR = mkdtempSync(join(tmpdir(), "aig-phases-"));
const { phaseMarks } = phases ? await import("./preload/phase-marks.mjs") : { phaseMarks: () => [] };
const config = readConfig(root);
const requests = Number(process.env.PROFILE_REQUESTS ?? 3000);
const concurrency = Number(process.env.PROFILE_CONCURRENCY ?? 1);
const workloads = {
  plain: plainWorkload,
  stream: streamWorkload,
  "plain-log-off": plainLogOffWorkload,
};
const workload = (workloads[process.env.PROFILE_WORKLOAD as keyof typeof workloads] ?? plainWorkload)(config);

const stack = await startStack(config, `${root}test/bench/`);
const { ours, pipeline } = oursWithPipeline(stack);
// The measured loads whose requests the phase tables read: ours, and (with PROFILE_PHASES=1) direct.
const windows: { fromNs: number; toNs: number; target: "ours" | "direct" }[] = [];
const timedLoad = async (target: "ours" | "direct", load: () => Promise<LoadResult>) => {
  const fromNs = Number(process.hrtime.bigint());
  const result = await load();
  windows.push({ fromNs, toNs: Number(process.hrtime.bigint()), target });
  return result;
};
try {
  const spec = requestFor(ours, workload, null);
  const agent = keepAliveAgent(concurrency);
  await runLoad(agent, spec, { concurrency, requests: 500, maxMs: 60_000 });
  await pipeline.drain();
  const snapshot = (): Record<string, number> => ({
    ours: cpuMsOfAll(servingPidsOf(stack.ours.pid)),
    logwriter: cpuMsOfAll(logWriterPidsOf(stack.ours.pid)),
    emulators: cpuMsOf(stack.emulators.pid),
    mock: cpuMsOf(stack.mock.pid),
  });
  if (phases) {
    const direct = stack.targets.find((target) => target.name === "direct");
    if (!direct) throw new Error("no direct target");
    const directAgent = keepAliveAgent(concurrency);
    const directSpec = requestFor(direct, workload, null);
    await runLoad(directAgent, directSpec, { concurrency, requests: 500, maxMs: 60_000 });
    await timedLoad("direct", () =>
      runLoad(directAgent, directSpec, { concurrency, requests, maxMs: 300_000 }),
    );
    directAgent.destroy();
  }
  const before = snapshot();
  const result = await timedLoad("ours", () =>
    runLoad(agent, spec, { concurrency, requests, maxMs: 300_000 }),
  );
  const drainMs = await pipeline.drain(300_000);
  const after = snapshot();
  const cpu = Object.fromEntries(
    Object.entries(after).map(([name, ms]) => [
      name,
      Number(((ms - (before[name] ?? 0)) / result.samples.length).toFixed(3)),
    ]),
  );
  const walls = result.samples.map((sample) => sample.lastByteUs / 1000).sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      workload: workload.name,
      concurrency,
      requests: result.samples.length,
      errors: result.errors,
      firstError: result.firstError,
      cpuMsPerRequest: cpu,
      lastByteP50Ms: walls[Math.floor(walls.length / 2)],
      lastByteP99Ms: walls[Math.floor(walls.length * 0.99)],
      drainMs: Math.round(drainMs),
      storedLogs: await pipeline.storedLogs(),
    }),
  );
  agent.destroy();

  if (process.env.PROFILE_HANDLER !== "0") {
    const eventFile = join(mkdtempSync(join(tmpdir(), "aig-profile-")), "event.json");
    const event = chatCompletionEvent({
      accountId: stack.oursEnv.ACCOUNT_ID ?? "local",
      adminToken: BENCH_ADMIN_TOKEN,
      stream: workload.stream,
      mockHeaders: workload.mockHeaders,
    });
    writeFileSync(eventFile, JSON.stringify(event));
    // PROFILE_COMPARE_ROOT: another checkout (e.g. `git archive <commit>` with node_modules linked) whose
    // handler is measured in turn with this one, so that both see the same load on a shared machine.
    const roots = [root, ...(process.env.PROFILE_COMPARE_ROOT ? [process.env.PROFILE_COMPARE_ROOT] : [])];
    for (let turn = 0; turn < (roots.length > 1 ? 3 : 1); turn++) {
      for (const checkout of roots) {
        const [handler] = await measureHandlerCpu({
          benchDir: `${root}test/bench/`,
          variant: checkout,
          module: `${checkout}/functions/proxy/handler.ts`,
          count: config.cpuRequests,
          events: { [workload.name]: eventFile },
          env: {
            PATH: process.env.PATH ?? "",
            ...stack.oursEnv,
            POWERTOOLS_SERVICE_NAME: "ai-gateway-proxy",
            LOG_BATCH_LINGER_MS: "0",
          },
          nodeArgs: config.profile
            ? ["--cpu-prof", `--cpu-prof-dir=${config.resultsDir}/profiles/handler`]
            : [],
        });
        console.log(JSON.stringify({ handler }));
      }
    }
    await pipeline.drain(300_000);
  }
} finally {
  pipeline.close();
  await stack.stop();
}
// The children write their marks as they exit.
if (phases && config.phasesDir) {
  if (concurrency !== 1) console.log("PROFILE_PHASES: the steps are only read at PROFILE_CONCURRENCY=1");
  else for (const window of windows) console.table(phaseTable(config.phasesDir, phaseMarks(), window));
}
