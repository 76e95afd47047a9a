import type { BenchRun } from "../run-types.ts";
import { median } from "../stats.ts";
import type { LatencySummary } from "../summarize.ts";

/** One target of issue 8, with what this run measured. MB is read as MiB, as test/infra/bundling.test.ts does. */
export interface TargetCheck {
  target: string;
  threshold: string;
  measured: string;
  met: boolean;
}

export function findSummary(
  run: BenchRun,
  workload: string,
  concurrency: number,
  target: string,
): LatencySummary | undefined {
  return run.latency.find(
    (s) => s.workload === workload && s.concurrency === concurrency && s.target === target,
  );
}

const ms = (value: number | undefined) => (value === undefined ? "n/a" : `${value.toFixed(2)} ms`);

export function coldStartTotals(run: BenchRun): number[] {
  return run.coldStarts.map((c) => c.importMs + c.lastByteMs);
}

export function checkTargets(run: BenchRun): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const plain1 = findSummary(run, "plain", 1, "ours")?.addedLastByte;
  checks.push({
    target: "Added latency, plain, c=1, p50",
    threshold: "≤ 0.5 ms",
    measured: ms(plain1?.p50),
    met: (plain1?.p50 ?? Number.POSITIVE_INFINITY) <= 0.5,
  });
  checks.push({
    target: "Added latency, plain, c=1, p99",
    threshold: "≤ 2 ms",
    measured: ms(plain1?.p99),
    met: (plain1?.p99 ?? Number.POSITIVE_INFINITY) <= 2,
  });
  for (const workload of ["plain", "stream"]) {
    for (const concurrency of [1, 16]) {
      const ours = findSummary(run, workload, concurrency, "ours")?.addedLastByte?.p50;
      const peer = findSummary(run, workload, concurrency, "peer")?.addedLastByte?.p50;
      const ratio = ours !== undefined && peer !== undefined && peer > 0 ? ours / peer : Number.NaN;
      checks.push({
        target: `Ours ÷ peer, added last byte p50, ${workload}, c=${concurrency}`,
        threshold: "≤ 0.33",
        measured: `${ms(ours)} ÷ ${ms(peer)} = ${ratio.toFixed(2)}`,
        met: ratio <= 1 / 3,
      });
    }
  }
  const rps = (name: string) => run.throughput.find((t) => t.target === name)?.medianRps ?? Number.NaN;
  const throughputRatio = rps("ours") / rps("peer");
  checks.push({
    target: "Throughput at saturation, ours ÷ peer",
    threshold: "≥ 2",
    measured: `${rps("ours").toFixed(0)} ÷ ${rps("peer").toFixed(0)} req/s = ${throughputRatio.toFixed(2)}`,
    met: throughputRatio >= 2,
  });
  const ttfb = findSummary(run, "stream", 1, "ours")?.addedFirstByte?.p50;
  checks.push({
    target: "Stream, added time to first byte, c=1, p50",
    threshold: "≤ 1 ms",
    measured: ms(ttfb),
    met: (ttfb ?? Number.POSITIVE_INFINITY) <= 1,
  });
  const growth = Math.max(...run.bigStreams.filter((b) => b.target === "ours").map((b) => b.growthMiB));
  checks.push({
    target: `RSS growth of ours while streaming ${run.config.bigStreamMiB} MiB (worst run)`,
    threshold: "≤ 30 MiB",
    measured: `${growth.toFixed(1)} MiB`,
    met: growth <= 30,
  });
  const bundleMiB = run.bundle.bytes / 2 ** 20;
  checks.push({
    target: "Proxy bundle (esbuild, minified)",
    threshold: "≤ 1.5 MiB",
    measured: `${bundleMiB.toFixed(2)} MiB (${run.bundle.bytes} bytes)`,
    met: bundleMiB <= 1.5,
  });
  const cold = median(coldStartTotals(run));
  checks.push({
    target: "Fresh import + first request to last byte (median)",
    threshold: "≤ 300 ms",
    measured: ms(cold),
    met: cold <= 300,
  });
  return checks;
}
