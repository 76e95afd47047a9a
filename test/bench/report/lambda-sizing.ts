import type { BenchRun } from "../run-types.ts";
import { median } from "../stats.ts";
import { PRICES } from "./prices.ts";
import { coldStartTotals } from "./targets.ts";

/** The memory sizes the issue asks about, MB (Lambda's MB are MiB). */
export const LAMBDA_MEMORY_SIZES = [128, 192, 256, 512, 1024];
/** Provider times the table is computed for, seconds. */
export const PROVIDER_TIMES_S = [1, 10];
/** Lambda gives one full vCPU at 1,769 MB and a share proportional to memory below (AWS Lambda documentation). */
export const VCPU_MEMORY_MB = 1769;
/** After the last byte the handler waits for the log event's SendMessage: 10 ms in region, assumed. */
export const SQS_SEND_MS = 10;

/** The CPU share Lambda gives a function of `memoryMb`, as a fraction of one vCPU (at most 1 for our one thread). */
export function cpuShare(memoryMb: number): number {
  return Math.min(1, memoryMb / VCPU_MEMORY_MB);
}

/** The proxy's own CPU per request, ms: the bundle in process (children/handler-cpu.ts), log on with bodies. */
export function proxyCpuMs(run: BenchRun, workload: string): number {
  const cpu = run.handlerCpu.find((h) => h.variant === "bundle" && h.workload === workload);
  return (cpu?.cpuUsPerRequest ?? Number.NaN) / 1000;
}

export interface SizingRow {
  memoryMb: number;
  workload: string;
  /** The gateway's own work stretched by the CPU share: what it adds to the duration, ms. */
  gatewayMs: number;
  /** Init (import + first request) stretched by the CPU share, ms. */
  coldStartMs: number;
  /** Per provider time: billed duration (ms, rounded up to the ms) and $ per million requests (Lambda only). */
  byProviderTime: Array<{ providerS: number; billedMs: number; perMillion: number }>;
}

/**
 * AWS Lambda Power Tuning's method without the AWS account: the duration at each memory size is the provider's
 * time (Lambda waits, the CPU idle) plus the gateway's own CPU time divided by the CPU share that memory buys,
 * plus the log event's send; the cost is the billed duration × memory × the GB-second price plus the request price.
 */
export function lambdaSizing(run: BenchRun): SizingRow[] {
  const cold = median(coldStartTotals(run));
  const rows: SizingRow[] = [];
  for (const workload of ["plain", "stream"]) {
    for (const memoryMb of LAMBDA_MEMORY_SIZES) {
      const share = cpuShare(memoryMb);
      const gatewayMs = proxyCpuMs(run, workload) / share;
      rows.push({
        memoryMb,
        workload,
        gatewayMs,
        coldStartMs: cold / share,
        byProviderTime: PROVIDER_TIMES_S.map((providerS) => {
          const billedMs = Math.ceil(providerS * 1000 + gatewayMs + SQS_SEND_MS);
          return {
            providerS,
            billedMs,
            perMillion: lambdaPerMillion(memoryMb, billedMs),
          };
        }),
      });
    }
  }
  return rows;
}

/** $ per million invocations of `billedMs` at `memoryMb`: requests and duration (arm64). */
export function lambdaPerMillion(memoryMb: number, billedMs: number): number {
  return (
    PRICES.lambdaRequest.value + (billedMs / 1000) * (memoryMb / 1024) * PRICES.lambdaArmGbSecond.value * 1e6
  );
}

/** The worst peak RSS of one proxy process over the memory child's runs, and its parts, MiB. */
export function proxyMemory(run: BenchRun) {
  const runs = run.lambdaMemory ?? [];
  if (runs.length === 0) return null;
  const worst = (pick: (r: (typeof runs)[number]) => number) => Math.max(...runs.map(pick));
  return {
    runtimeBaselineMiB: worst((r) => r.runtimeBaselineMiB),
    afterImportMiB: worst((r) => r.afterImportMiB),
    afterPlainMiB: worst((r) => r.afterPlainMiB),
    peakMiB: worst((r) => r.bigStreamPeakMiB),
    bigStreamGrowthMiB: worst((r) => r.bigStreamPeakMiB - r.bigStreamRssBeforeMiB),
    largeRequestBodyMiB: worst((r) => r.largeRequestBodyBytes) / 2 ** 20,
    largeRequestPeakMiB: worst((r) => r.largeRequestPeakMiB),
    perOpenStreamMiB: worst((r) => r.perOpenStreamMiB),
    openStreams: runs[0]?.openStreams ?? 0,
  };
}
