/**
 * The DLP stream cell of `npm run bench` alone (scenarios/dlp-stream.ts), for work on the streamed checks
 * without the whole run: starts the mock, the emulators and our gateway as the run does (no peer), sends
 * BENCH_DLP_WARMUP unmeasured requests per side, then measures BENCH_DLP_REQUESTS per side and prints the
 * cell (off and on, first and last byte, p50/p90/p99, and the medians added) as one JSON line. Writes no
 * report: the full run renders the cell into docs/benchmarks.md.
 *   node --import tsx test/bench/dlp-stream-alone.ts
 * With BENCH_PROFILE=1 our gateway runs under --cpu-prof (profiles under BENCH_RESULTS_DIR/profiles/).
 */
import { fileURLToPath } from "node:url";
import { readConfig } from "./config.ts";
import { oursWithPipeline } from "./log-pipeline.ts";
import { measureDlpStream } from "./scenarios/dlp-stream.ts";
import { BENCH_ADMIN_TOKEN, startStack } from "./stack.ts";
import { streamWorkload } from "./workloads.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = fileURLToPath(new URL("../../", import.meta.url));
const config = { ...readConfig(root), peer: false };

const stack = await startStack(config, `${root}test/bench/`);
const { ours, pipeline } = oursWithPipeline(stack);
try {
  const management = { accountId: stack.oursEnv.ACCOUNT_ID ?? "local", adminToken: BENCH_ADMIN_TOKEN };
  const cell = await measureDlpStream(
    ours,
    management,
    streamWorkload(config),
    { requests: config.dlpRequests, warmup: config.dlpWarmup },
    pipeline,
  );
  console.log(JSON.stringify(cell));
} finally {
  pipeline.close();
  await stack.stop();
}
