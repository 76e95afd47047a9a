import type { BenchRun } from "../run-types.ts";
import { median } from "../stats.ts";
import {
  COMPARED_LAMBDA_MEMORY_MB,
  crossoverRate,
  FARGATE_ASSUMED,
  FARGATE_PROVIDER_TIMES_S,
  FARGATE_RATES,
  fargateInputs,
  frontCost,
} from "./fargate.ts";
import {
  cpuShare,
  LAMBDA_MEMORY_SIZES,
  lambdaSizing,
  PROVIDER_TIMES_S,
  proxyCpuMs,
  proxyMemory,
  SQS_SEND_MS,
  VCPU_MEMORY_MB,
} from "./lambda-sizing.ts";
import { coldStartTotals } from "./targets.ts";

const usd = (value: number) => `$${value.toFixed(value < 10 ? 2 : 1)}`;
const f = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) ? "n/a" : value.toFixed(digits);

/** Whether 128 MB holds the measured peaks, and so why the stack's default is what it is. */
function choice(memory: ReturnType<typeof proxyMemory>, stackMemoryMb: number, streamMiB: number): string {
  if (!memory) return "";
  const streamFits = memory.peakMiB < 128;
  const requestFits = memory.largeRequestPeakMiB < 128;
  return `**Choice of the default.** Streaming ${streamMiB} MiB, one proxy process peaks at ${f(memory.peakMiB)} MiB: ${
    streamFits
      ? `within 128 MB, with ${f(128 - memory.peakMiB, 0)} MiB (${f(((128 - memory.peakMiB) / 128) * 100, 0)}%) to spare`
      : "more than 128 MB"
  }. A request body near the proxy's limit (MAX_REQUEST_BODY_BYTES, 4 MiB by default; the event holds it in base64, and
the decoded bytes, the parsed JSON and the logged body's gzip come on top) peaks at ${f(memory.largeRequestPeakMiB)} MiB, ${
    requestFits ? "also within 128 MB" : "which 128 MB does not hold"
  }. The stack's default is **${stackMemoryMb} MB**: ${
    stackMemoryMb === 192
      ? "the least of the sizes above that holds both peaks with room to spare, at a quarter less than 256 MB for every second of provider time (the line that dominates the bill); the proxy's own time grows by a few ms per request, which next to a provider's seconds is noise"
      : "see the table"
  }. A deployment that lowers MAX_REQUEST_BODY_BYTES (to 1 MiB, say) can set \`proxyMemorySize\` to 128 and pay a third less again, at the price of the longer cold start in the table.`;
}

/** The proxy's memory size table (issue 24) and the memory of one proxy process. */
export function renderMemorySizing(run: BenchRun, stackMemoryMb: number): string {
  const rows = lambdaSizing(run);
  const memory = proxyMemory(run);
  const streamPeak = memory?.peakMiB ?? Number.NaN;
  const requestPeak = memory?.largeRequestPeakMiB ?? Number.NaN;
  const headroom = (memoryMb: number, peak: number) =>
    Number.isNaN(peak)
      ? "n/a"
      : `${f(memoryMb - peak, 0)} MiB (${f(((memoryMb - peak) / memoryMb) * 100, 0)}%)`;
  const cell = (memoryMb: number, workload: string, providerS: number) =>
    rows
      .find((r) => r.memoryMb === memoryMb && r.workload === workload)
      ?.byProviderTime.find((p) => p.providerS === providerS);
  const table = LAMBDA_MEMORY_SIZES.map((memoryMb) => {
    const plain = rows.find((r) => r.memoryMb === memoryMb && r.workload === "plain");
    const stream = rows.find((r) => r.memoryMb === memoryMb && r.workload === "stream");
    const perTime = PROVIDER_TIMES_S.map(
      (s) =>
        `${cell(memoryMb, "plain", s)?.billedMs ?? "n/a"} / ${cell(memoryMb, "stream", s)?.billedMs ?? "n/a"} ms: **${usd(cell(memoryMb, "plain", s)?.perMillion ?? Number.NaN)}** / **${usd(cell(memoryMb, "stream", s)?.perMillion ?? Number.NaN)}**`,
    );
    return `| ${memoryMb === stackMemoryMb ? `**${memoryMb}** (stack default)` : memoryMb} | ${f(cpuShare(memoryMb), 3)} | ${f(plain?.gatewayMs)} / ${f(stream?.gatewayMs)} | ${f(plain?.coldStartMs, 0)} | ${perTime.join(" | ")} | ${headroom(memoryMb, streamPeak)} | ${headroom(memoryMb, requestPeak)} |`;
  });
  const memoryTable = memory
    ? `| figure | MiB |
| --- | --- |
| node booted, none of our code (the runtime's share) | ${f(memory.runtimeBaselineMiB)} |
| the bundle imported | ${f(memory.afterImportMiB)} |
| after one plain request | ${f(memory.afterPlainMiB)} |
| peak once ${run.config.bigStreamMiB} MiB have streamed through (VmHWM: Lambda's "Max Memory Used") | **${f(memory.peakMiB)}** (growth while streaming ${f(memory.bigStreamGrowthMiB)}) |
| peak once a request of ${f(memory.largeRequestBodyMiB, 1)} MiB (near MAX_REQUEST_BODY_BYTES, logged with its body) is through | **${f(memory.largeRequestPeakMiB)}** |
| each of ${memory.openStreams} streams open at once (RSS growth ÷ ${memory.openStreams}) | ${f(memory.perOpenStreamMiB, 3)} |`
    : "Not measured in this run (runs before issue 24 had no memory child).";
  return `## The proxy's memory size

What a request costs at each memory size, by the method of AWS Lambda Power Tuning (run the function at each
size, take the billed duration, multiply by the price of that size), with the durations computed instead of run on
AWS: **duration = provider time + the proxy's own CPU time ÷ the CPU share the memory buys + ${SQS_SEND_MS} ms for the log
event's SendMessage**, billed to the next millisecond; cost per million = the billed GB-seconds at the arm64 price +
the request price (API Gateway, the same at every size, is left out here). The proxy's CPU per request is the
bundle's in process (children/handler-cpu.ts, log on with bodies): ${f(proxyCpuMs(run, "plain") * 1000, 0)} µs plain, ${f(proxyCpuMs(run, "stream") * 1000, 0)} µs stream.
Memory is the worst of ${(run.lambdaMemory ?? []).length} run(s) of children/lambda-memory.ts (below).

| memory (MB) | CPU share of a vCPU | the proxy's own time, plain / stream (ms) | cold start, import + first request (ms) | ${PROVIDER_TIMES_S.map((s) => `${s} s of provider time: billed plain / stream, $ per million plain / stream`).join(" | ")} | headroom over the peak RSS, ${run.config.bigStreamMiB} MiB stream | headroom, largest request body |
| --- | --- | --- | --- | ${PROVIDER_TIMES_S.map(() => "---").join(" | ")} | --- | --- |
${table.join("\n")}

Assumptions: Lambda allots CPU in proportion to memory, one vCPU at ${VCPU_MEMORY_MB} MB ("Configure Lambda function memory",
AWS Lambda Developer Guide), so at M MB the proxy's CPU time stretches by ${VCPU_MEMORY_MB}/M; one core of this machine is
taken as one Lambda vCPU (Graviton cores may differ either way). The provider's time is waiting, not CPU, so it does
not stretch; the proxy's work is added to it whole, which overstates a stream's duration (its chunks are handled
while the provider is still sending) and is exact for a plain completion. The cold start is the bench's median
import + first request (${f(median(coldStartTotals(run)), 0)} ms on a full core) stretched the same way; Lambda bills the init
phase. Prices: the arm64 GB-second and request prices of the table at the end. The figures in MB are Lambda's,
which are MiB.

### Memory of one proxy process

children/lambda-memory.ts runs in a fresh \`node\` (no TypeScript loader, at V8's default heap limits) what one Lambda
instance of the proxy holds: the bundle imported, one plain request, one stream of ${run.config.bigStreamMiB} MiB read as fast as the sink
takes it, one request whose body is near the proxy's limit, then ${memory?.openStreams ?? run.config.openStreams} streams open at once (what one process serving
many requests, as a container does, holds per stream). RSS from /proc/self/status:

${memoryTable}

${choice(memory, stackMemoryMb, run.config.bigStreamMiB)}

These peaks include node's own share; Lambda's runtime interface client (a few JavaScript modules in the same
process) is not in them: on AWS the REPORT line's Max Memory Used is the figure to watch. On Lambda the runtime's
bootstrap also sets V8's heap limits from the function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE), lower than the
defaults this process ran with, so V8 collects sooner there and the peaks can only be lower.
`;
}

/** The container comparison of issue 24: a table, the crossover rates and the plot. */
export function renderFrontComparison(run: BenchRun, svgName: string): string {
  const inputs = fargateInputs(run);
  const a = FARGATE_ASSUMED;
  const rows: string[] = [];
  for (const providerS of FARGATE_PROVIDER_TIMES_S) {
    for (const rate of FARGATE_RATES) {
      const c = frontCost(run, providerS, rate);
      const cheaper = c.fargatePerMillion < c.lambdaPerMillion ? "Fargate + ALB" : "Lambda + API Gateway";
      rows.push(
        `| ${providerS} s | ${rate} | ${f(c.openRequests, 0)} | ${c.tasks} (${c.sizedBy}) | ${f(c.lcu, 2)} | ${usd(c.fargatePerMillion)} | ${usd(c.lambdaPerMillion)} | ${cheaper} |`,
      );
    }
  }
  const crossovers = FARGATE_PROVIDER_TIMES_S.map((providerS) => {
    const rate = crossoverRate(run, providerS);
    return `| ${providerS} s | ${Number.isFinite(rate) ? f(rate, rate < 10 ? 2 : 1) : "never"} | ${Number.isFinite(rate) ? f((rate * 86_400 * 30) / 1e6, 1) : "n/a"} |`;
  });
  return `## Where Lambda stops being the right front (paper)

The same handlers on ECS Fargate behind an Application Load Balancer, against Lambda (${COMPARED_LAMBDA_MEMORY_MB} MB, the stack's
default) behind API Gateway, per million requests of the stream workload, at a sustained rate. Nothing is built for
it: this is arithmetic on list prices and on this run's measures. Lambda's cost per request does not depend on the
rate (API Gateway + the Lambda request + the billed duration, as in the memory table); Fargate's is a fleet paid by
the hour, divided by the requests it serves, so it falls as the rate rises.

Tasks are sized from the measures: CPU, ${f(inputs.cpuMsPerRequest, 3)} ms per stream request (our process with the log pipeline paused, front
and proxy, at the highest concurrency: a task serves HTTP itself), at most ${a.cpuUtilization * 100}% busy; memory, the process's own
${f(inputs.processBaselineMiB, 0)} MiB plus ${f(inputs.perOpenStreamMiB, 3)} MiB per open stream${inputs.measuredMemory ? "" : " (*assumed*: not measured in this run)"}, at most ${a.memoryUtilization * 100}% of the task's memory. Open
requests = rate × provider time (Little's law). Each task is one Node.js process on ${a.taskVcpu} vCPU and ${a.taskMemoryGb} GB (arm64), at least
${a.minimumTasks} (two Availability Zones), each with a public IPv4 address for its calls to the providers (no NAT gateway); the
ALB has ${a.albAddresses}. ALB capacity units: the largest of new connections (one per request, no keep-alive, ÷ 25/s), open
connections (÷ 3,000), bytes processed (${inputs.responseBytes} response + ${a.requestBytes} request bytes per request, ÷ 1 GB/h); one
listener rule. Left out on both sides: data transfer out, the log pipeline (the same SQS, log-writer and DynamoDB
behind either front), CloudWatch, and the people who run a container fleet (patching, scaling policy, deployments).

| provider time | req/s | open requests | tasks (sized by) | ALB LCU | Fargate + ALB, $ per million | Lambda + API Gateway, $ per million | cheaper |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

Crossover: the sustained rate above which Fargate + ALB costs less per request.

| provider time | crossover (req/s) | requests a month at that rate (millions) |
| --- | --- | --- |
${crossovers.join("\n")}

![Cost per million requests against the sustained rate: Lambda + API Gateway (dashed) and Fargate + ALB (solid), for 1, 10 and 60 s of provider time](${svgName})

(${svgName}: generated with this file by test/bench/report/crossover-plot.ts.) Below the crossover Lambda's cost is all
per request and an idle gateway costs nothing; above it the fixed fleet is cheaper, and the longer the provider
takes, the sooner: Lambda bills each open request's whole wait, while a task holds thousands of waiting streams for
the price of its memory. What the table does not price is in Lambda's favour: no fleet to run, scaling from zero and
per request, isolation of one request from another.
`;
}
