/**
 * Re-renders docs/benchmarks.md and docs/cost.md from the last run's results/run.json (for instance after
 * editing report/notes.md), without measuring again:
 *   node --import tsx test/bench/render.ts
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readConfig } from "./config.ts";
import { writeCostReport } from "./report/cost.ts";
import { writeBenchmarkReport } from "./report/markdown.ts";
import type { BenchRun } from "./run-types.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const config = readConfig(root);
const run = JSON.parse(readFileSync(`${config.resultsDir}/run.json`, "utf8")) as BenchRun;
writeBenchmarkReport(run, config.reportPath, `${root}test/bench/report/notes.md`);
writeCostReport(run, config.costPath);
console.log(
  `rendered ${config.reportPath} and ${config.costPath} from ${config.resultsDir}/run.json (${run.startedAt})`,
);
