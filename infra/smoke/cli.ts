// `npm run smoke -- --base-url URL --token TOKEN`: checks a deployed gateway (infra/smoke/smoke-options.ts).
import { runSmoke } from "./run-smoke.ts";
import { parseSmokeOptions, SMOKE_HELP } from "./smoke-options.ts";

let options: ReturnType<typeof parseSmokeOptions>;
try {
  options = parseSmokeOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\nSee npm run smoke -- --help`);
  process.exit(2);
}
if (options === "help") {
  console.log(SMOKE_HELP);
  process.exit(0);
}

console.log(`Smoke test of ${options.baseUrl} (gateway ${options.gatewayId}, model ${options.model})`);
const results = await runSmoke(options);
const LABEL = { pass: "PASS", fail: "FAIL", skip: "SKIP" } as const;
for (const result of results) console.log(`${LABEL[result.outcome]}  ${result.name}: ${result.detail}`);
const failed = results.filter((result) => result.outcome === "fail").length;
console.log(failed === 0 ? "All checks passed." : `${failed} check${failed === 1 ? "" : "s"} failed.`);
process.exit(failed === 0 ? 0 : 1);
