/**
 * Our proxy handler in process, without the HTTP front: N invocations one after the other (a Lambda
 * instance serves one request at a time), each with an API Gateway event and a response-stream sink,
 * timed with process.cpuUsage (this process only: the mock and the emulators run elsewhere).
 *   node --import tsx handler-cpu.ts <handler module> <count> <label=event.json>...
 * Prints one JSON line: per label, CPU µs per request (user, system) and wall µs percentiles.
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { installLambdaGlobals } from "../../../infra/local/lambda-globals.ts";
import { HANDLER_CPU_WARMUP } from "../config.ts";
import { percentile, sortedCopy } from "../stats.ts";
import { lambdaContext, nextInvocation, TimingSink } from "./lambda-event.ts";

type Handler = (event: APIGatewayProxyEvent, stream: TimingSink, context: unknown) => Promise<void>;

const [modulePath, countArg, ...labelled] = process.argv.slice(2);
const count = Number(countArg);
if (!modulePath || !Number.isInteger(count) || labelled.length === 0) {
  throw new Error("usage: handler-cpu.ts <module> <count> <label=event.json>...");
}
installLambdaGlobals();
const { handler } = (await import(pathToFileURL(modulePath).href)) as { handler: Handler };

async function invoke(event: APIGatewayProxyEvent): Promise<void> {
  const sink = new TimingSink();
  await handler(nextInvocation(event), sink, lambdaContext());
  if (sink.prelude.statusCode !== 200) throw new Error(`status ${sink.prelude.statusCode}`);
}

const events = labelled.map((entry) => {
  const [label, file] = entry.split("=") as [string, string];
  return { label, event: JSON.parse(readFileSync(file, "utf8")) as APIGatewayProxyEvent };
});
// Warm every variant before measuring any, so that the first one measured does not pay for the JIT.
for (const { event } of events) for (let i = 0; i < HANDLER_CPU_WARMUP; i++) await invoke(event);

const results: Record<string, unknown> = {};
for (const { label, event } of events) {
  const walls: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await invoke(event);
    walls.push(Number(process.hrtime.bigint() - t0) / 1_000);
  }
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = sortedCopy(walls);
  results[label] = {
    requests: count,
    cpuUsPerRequest: (cpu.user + cpu.system) / count,
    userUsPerRequest: cpu.user / count,
    systemUsPerRequest: cpu.system / count,
    wallUsP50: percentile(sorted, 50),
    wallUsP99: percentile(sorted, 99),
    elapsedMs,
  };
}
console.log(JSON.stringify(results));
