import type { BenchRun } from "../run-types.ts";
import { cpuShare, lambdaPerMillion, proxyCpuMs, proxyMemory, SQS_SEND_MS } from "./lambda-sizing.ts";
import { PRICES } from "./prices.ts";

/**
 * Paper only (issue 24): what the same handlers would cost per million requests on ECS Fargate behind an
 * Application Load Balancer, against Lambda behind API Gateway, from list prices and this run's measures.
 */
export const FARGATE_PROVIDER_TIMES_S = [1, 10, 60];
export const FARGATE_RATES = [1, 10, 100];

/** Assumptions of the container side; each is stated in the report. */
export const FARGATE_ASSUMED = {
  /** One Node.js process per task: half a vCPU and 1 GB, a valid Fargate size. */
  taskVcpu: 0.5,
  taskMemoryGb: 1,
  /** Tasks run at most this busy on average (headroom for bursts and the autoscaler's lag). */
  cpuUtilization: 0.5,
  /** Share of a task's memory its open streams may take, beyond the process's own RSS. */
  memoryUtilization: 0.7,
  /** Two tasks in two Availability Zones whatever the load, as the ALB's own two zones. */
  minimumTasks: 2,
  /** Public IPv4 addresses: one per task (egress to providers without a NAT gateway) and the ALB's two. */
  albAddresses: 2,
  /** One new client connection per request (no keep-alive): the LCU's new-connection dimension at its worst. */
  newConnectionsPerRequest: 1,
  /** Request body and headers, bytes, added to the measured response for the ALB's processed bytes. */
  requestBytes: 1000,
  /** Used where the run did not measure the memory of an open stream (runs before issue 24). */
  perOpenStreamMiB: 0.25,
  processBaselineMiB: 120,
};

/** Lambda's memory size in the comparison: the stack's default (infra/aws/constructs/ai-gateway.ts). */
export const COMPARED_LAMBDA_MEMORY_MB = 192;

export interface FrontCost {
  providerS: number;
  ratePerS: number;
  /** Requests open at once (Little's law: rate × time in the system). */
  openRequests: number;
  tasks: number;
  /** What sized the task count: cpu, memory or the minimum. */
  sizedBy: "cpu" | "memory" | "minimum";
  lcu: number;
  fargatePerMillion: number;
  lambdaPerMillion: number;
}

function inputs(run: BenchRun) {
  const memory = proxyMemory(run);
  // The container serves HTTP itself: our process's CPU per stream request with the log pipeline paused
  // (front + proxy, as a task runs them), at the highest concurrency; the handler's own CPU if absent.
  const highest = Math.max(...run.config.concurrencies);
  const served = run.latency.find(
    (s) => s.workload === "stream" && s.target === "ours" && s.concurrency === highest,
  )?.cpuMsPerRequest.ours;
  return {
    cpuMsPerRequest: served ?? proxyCpuMs(run, "stream"),
    perOpenStreamMiB: memory?.perOpenStreamMiB ?? FARGATE_ASSUMED.perOpenStreamMiB,
    processBaselineMiB: memory?.afterPlainMiB ?? FARGATE_ASSUMED.processBaselineMiB,
    measuredMemory: memory !== null,
    responseBytes: run.bodySizes.stream?.ours ?? 13_000,
  };
}

/** Cost per million requests of both fronts at one provider time and one sustained rate. */
export function frontCost(run: BenchRun, providerS: number, ratePerS: number): FrontCost {
  const a = FARGATE_ASSUMED;
  const { cpuMsPerRequest, perOpenStreamMiB, processBaselineMiB, responseBytes } = inputs(run);
  const openRequests = ratePerS * providerS;
  const byCpu = Math.ceil((ratePerS * cpuMsPerRequest) / 1000 / (a.taskVcpu * a.cpuUtilization));
  const streamsPerTask = Math.max(
    1,
    Math.floor((a.taskMemoryGb * 1024 * a.memoryUtilization - processBaselineMiB) / perOpenStreamMiB),
  );
  const byMemory = Math.ceil(openRequests / streamsPerTask);
  const tasks = Math.max(a.minimumTasks, byCpu, byMemory);
  const sizedBy = tasks === a.minimumTasks ? "minimum" : byCpu >= byMemory ? "cpu" : "memory";
  const gbPerHour = (ratePerS * 3600 * (responseBytes + a.requestBytes)) / 1e9;
  const lcu = Math.max(
    (ratePerS * a.newConnectionsPerRequest) / 25,
    openRequests / 3000,
    gbPerHour / 1,
    // One listener rule; the first 10 per request are free.
    0,
  );
  const perHour =
    tasks * (a.taskVcpu * PRICES.fargateArmVcpuHour.value + a.taskMemoryGb * PRICES.fargateArmGbHour.value) +
    PRICES.albHour.value +
    lcu * PRICES.albLcuHour.value +
    (tasks + a.albAddresses) * PRICES.publicIpv4Hour.value;
  const lambdaBilledMs = Math.ceil(
    providerS * 1000 + proxyCpuMs(run, "stream") / cpuShare(COMPARED_LAMBDA_MEMORY_MB) + SQS_SEND_MS,
  );
  return {
    providerS,
    ratePerS,
    openRequests,
    tasks,
    sizedBy,
    lcu,
    fargatePerMillion: (perHour / (ratePerS * 3600)) * 1e6,
    lambdaPerMillion:
      PRICES.apiGatewayRest.value + lambdaPerMillion(COMPARED_LAMBDA_MEMORY_MB, lambdaBilledMs),
  };
}

/** The sustained rate (req/s) above which Fargate + ALB costs less per request, found by bisection. */
export function crossoverRate(run: BenchRun, providerS: number): number {
  let low = 0.001;
  let high = 100_000;
  const cheaper = (rate: number) => {
    const cost = frontCost(run, providerS, rate);
    return cost.fargatePerMillion < cost.lambdaPerMillion;
  };
  if (cheaper(low)) return low;
  if (!cheaper(high)) return Number.POSITIVE_INFINITY;
  for (let i = 0; i < 60; i++) {
    const mid = Math.sqrt(low * high);
    if (cheaper(mid)) high = mid;
    else low = mid;
  }
  return high;
}

export function fargateInputs(run: BenchRun) {
  return inputs(run);
}
