/**
 * The proxy handler's CPU per request in several checkouts, on a machine other work shares: each checkout's
 * proxy bundle (built as the stack builds it) runs in the handler CPU child of `npm run bench`, the checkouts
 * alternated turn by turn so that the machine's drift hits all alike, our log-writer paused (SIGSTOP) while a
 * child measures, as on AWS, and drained after. Prints each run, then per checkout and workload the median and
 * the runs, in CPU µs per request (user + system), which hold on a busy machine better than wall times.
 *   COMPARE_ROOTS=before=/tmp/wt-before,after=. COMPARE_TURNS=5 node --import tsx test/bench/compare-handlers.ts
 * A checkout is a worktree with node_modules linked (never installed again). COMPARE_WORKLOADS picks from
 * plain, stream and plain-log-off (default plain,stream); BENCH_CPU_REQUESTS sets the measured invocations per
 * run and BENCH_CPU_WARMUP the unmeasured ones; COMPARE_PROFILE_DIR writes each child's --cpu-prof profile
 * under it, one folder per checkout (the bundle's source map is beside it in the printed work directory).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chatCompletionEvent } from "./children/lambda-event.ts";
import { readConfig } from "./config.ts";
import { oursWithPipeline } from "./log-pipeline.ts";
import { bundleProxy } from "./scenarios/bundle.ts";
import { measureHandlerCpu } from "./scenarios/handler-cpu.ts";
import { BENCH_ADMIN_TOKEN, startStack } from "./stack.ts";
import { median } from "./stats.ts";
import { plainLogOffWorkload, plainWorkload, streamWorkload } from "./workloads.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = fileURLToPath(new URL("../../", import.meta.url));
const benchDir = `${root}test/bench/`;
const config = { ...readConfig(root), peer: false };
const checkouts = (process.env.COMPARE_ROOTS ?? `this=${root}`).split(",").map((entry) => {
  const [name, path] = entry.split("=");
  if (!name || !path) throw new Error("COMPARE_ROOTS: name=path,name=path");
  return { name, path: `${resolve(path)}/` };
});
const turns = Number(process.env.COMPARE_TURNS ?? 5);
const profileDir = process.env.COMPARE_PROFILE_DIR;
const workloads = { plain: plainWorkload, stream: streamWorkload, "plain-log-off": plainLogOffWorkload };
const chosen = (process.env.COMPARE_WORKLOADS ?? "plain,stream").split(",") as (keyof typeof workloads)[];

const work = mkdtempSync(join(tmpdir(), "aig-compare-"));
console.log(`bundles and events in ${work}`);
const bundles = new Map<string, string>();
for (const { name, path } of checkouts) {
  mkdirSync(`${work}/${name}`);
  bundles.set(name, (await bundleProxy(path, `${work}/${name}`)).file);
}

const stack = await startStack(config, benchDir);
const { pipeline } = oursWithPipeline(stack);
const events: Record<string, string> = {};
for (const name of chosen) {
  const workload = workloads[name](config);
  events[name] = `${work}/event-${name}.json`;
  const event = chatCompletionEvent({
    accountId: stack.oursEnv.ACCOUNT_ID ?? "local",
    adminToken: BENCH_ADMIN_TOKEN,
    stream: workload.stream,
    mockHeaders: workload.mockHeaders,
  });
  writeFileSync(events[name], JSON.stringify(event));
}

const runs = new Map<string, number[]>();
try {
  for (let turn = 0; turn < turns; turn++) {
    // Alternate the order too, so that no checkout always runs first after the drain.
    for (const { name } of turn % 2 === 0 ? checkouts : [...checkouts].reverse()) {
      pipeline.pause();
      const measured = await measureHandlerCpu({
        benchDir,
        variant: name,
        module: bundles.get(name) ?? "",
        count: config.cpuRequests,
        events,
        env: {
          PATH: process.env.PATH ?? "",
          ...stack.oursEnv,
          POWERTOOLS_SERVICE_NAME: "ai-gateway-proxy",
          LOG_BATCH_LINGER_MS: "0",
        },
        nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}/${name}`] : [],
      });
      pipeline.resume();
      await pipeline.drain(300_000);
      for (const result of measured) {
        const key = `${name} ${result.workload}`;
        runs.set(key, [...(runs.get(key) ?? []), result.cpuUsPerRequest]);
        console.log(`turn ${turn} ${key}: ${result.cpuUsPerRequest.toFixed(0)} µs/request`);
      }
    }
  }
} finally {
  pipeline.close();
  await stack.stop();
}
for (const [key, values] of runs) {
  const runsText = values.map((value) => value.toFixed(0)).join(" ");
  console.log(`${key}: median ${median(values).toFixed(0)} µs (runs: ${runsText})`);
}
