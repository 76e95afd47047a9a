import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import type { BenchRun } from "../run-types.ts";
import { PROCESSES } from "../scenarios/cells.ts";
import { round } from "../stats.ts";

type Row = Array<string | number | boolean | null>;

/** In the repository's own JSON style (Biome), so that `npm run check` accepts the committed run.json. */
function formatJson(json: string, repositoryRoot: string): string {
  try {
    return execFileSync(
      `${repositoryRoot}node_modules/.bin/biome`,
      ["format", "--stdin-file-path=test/bench/results/run.json"],
      {
        cwd: repositoryRoot,
        input: json,
        encoding: "utf8",
        stdio: ["pipe", "pipe", "ignore"],
        maxBuffer: 64 * 2 ** 20,
      },
    );
  } catch {
    console.warn("biome could not format run.json; written as JSON.stringify made it");
    return json;
  }
}

function csv(header: string[], rows: Row[]): string {
  const cell = (value: string | number | boolean | null) => {
    const text = value === null ? "" : String(value);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `${[header, ...rows].map((row) => row.map(cell).join(",")).join("\n")}\n`;
}

/** The raw results of one run, one file per measure (times in µs or ms as the column says). */
export function writeCsvFiles(run: BenchRun, dir: string, repositoryRoot: string): void {
  mkdirSync(dir, { recursive: true });
  // Everything but the per-request samples (in samples.csv), for render.ts to redraw the reports.
  const withoutSamples = (cells: BenchRun["latencyCells"]) => cells.map((cell) => ({ ...cell, samples: [] }));
  const { bigStreams } = run;
  const json = `${JSON.stringify(
    {
      ...run,
      latencyCells: withoutSamples(run.latencyCells),
      throughputCells: withoutSamples(run.throughputCells),
      logOffCells: withoutSamples(run.logOffCells),
      bigStreams: bigStreams.map((b) => ({ ...b, trace: [] })),
    },
    null,
    2,
  )}\n`;
  writeFileSync(`${dir}/run.json`, formatJson(json, repositoryRoot));
  const write = (name: string, header: string[], rows: Row[]) =>
    writeFileSync(`${dir}/${name}`, csv(header, rows));
  const cells = [...run.latencyCells, ...run.throughputCells, ...run.logOffCells];

  write(
    "samples.csv",
    ["phase", "workload", "target", "concurrency", "round", "headers_us", "first_byte_us", "last_byte_us"],
    run.latencyCells.flatMap((c) =>
      c.samples.map((s) => [
        c.phase,
        c.workload,
        c.target,
        c.concurrency,
        c.round,
        Math.round(s.headersUs),
        Math.round(s.firstByteUs),
        Math.round(s.lastByteUs),
      ]),
    ),
  );
  write(
    "cells.csv",
    [
      "phase",
      "workload",
      "target",
      "concurrency",
      "round",
      "requests",
      "errors",
      "elapsed_ms",
      "requests_per_s",
      "drain_ms",
      ...PROCESSES.map((p) => `cpu_ms_${p}`),
      "queued_logs",
      ...PROCESSES.map((p) => `drain_cpu_ms_${p}`),
      "first_error",
    ],
    cells.map((c) => [
      c.phase,
      c.workload,
      c.target,
      c.concurrency,
      c.round,
      c.requests,
      c.errors,
      round(c.elapsedMs, 1),
      round((c.samples.length / c.elapsedMs) * 1000, 1),
      c.drainMs === null ? null : round(c.drainMs, 1),
      ...PROCESSES.map((p) => round(c.cpuMs[p] ?? 0, 0)),
      c.queuedLogs ?? null,
      ...PROCESSES.map((p) => (c.drainCpuMs ? round(c.drainCpuMs[p] ?? 0, 0) : null)),
      c.firstError,
    ]),
  );
  write(
    "latency-summary.csv",
    [
      "workload",
      "concurrency",
      "target",
      "samples",
      "errors",
      "first_byte_p50_ms",
      "first_byte_p90_ms",
      "first_byte_p99_ms",
      "last_byte_p50_ms",
      "last_byte_p90_ms",
      "last_byte_p99_ms",
      "added_first_byte_p50_ms",
      "added_first_byte_p90_ms",
      "added_first_byte_p99_ms",
      "added_last_byte_p50_ms",
      "added_last_byte_p90_ms",
      "added_last_byte_p99_ms",
      ...PROCESSES.map((p) => `cpu_ms_per_request_${p}`),
    ],
    [...run.latency, ...run.logOff].map((s) => [
      s.workload,
      s.concurrency,
      s.target,
      s.samples,
      s.errors,
      round(s.firstByte.p50),
      round(s.firstByte.p90),
      round(s.firstByte.p99),
      round(s.lastByte.p50),
      round(s.lastByte.p90),
      round(s.lastByte.p99),
      s.addedFirstByte ? round(s.addedFirstByte.p50) : null,
      s.addedFirstByte ? round(s.addedFirstByte.p90) : null,
      s.addedFirstByte ? round(s.addedFirstByte.p99) : null,
      s.addedLastByte ? round(s.addedLastByte.p50) : null,
      s.addedLastByte ? round(s.addedLastByte.p90) : null,
      s.addedLastByte ? round(s.addedLastByte.p99) : null,
      ...PROCESSES.map((p) => round(s.cpuMsPerRequest[p] ?? 0, 4)),
    ]),
  );
  write(
    "throughput.csv",
    ["target", "concurrency", "round", "requests_per_s", "errors", "elapsed_ms"],
    run.throughputCells.map((c) => [
      c.target,
      c.concurrency,
      c.round,
      round((c.samples.length / c.elapsedMs) * 1000, 1),
      c.errors,
      round(c.elapsedMs, 1),
    ]),
  );
  write(
    "memory.csv",
    ["process", "startup_ms", "peak_rss_after_load_mib", "peak_rss_at_end_mib"],
    Object.keys(run.peakRssMiB.atEnd).map((name) => [
      name,
      run.startupMs[name] ?? null,
      round(run.peakRssMiB.afterLoad[name] ?? Number.NaN, 1),
      round(run.peakRssMiB.atEnd[name] ?? Number.NaN, 1),
    ]),
  );
  write(
    "big-stream.csv",
    ["target", "run", "bytes", "duration_ms", "rss_before_mib", "rss_max_mib", "growth_mib"],
    run.bigStreams.map((b) => [
      b.target,
      b.run,
      b.bytes,
      round(b.durationMs, 1),
      round(b.rssBeforeMiB, 1),
      round(b.rssMaxMiB, 1),
      round(b.growthMiB, 1),
    ]),
  );
  write(
    "big-stream-rss-trace.csv",
    ["target", "run", "ms_since_request", "rss_mib"],
    run.bigStreams.flatMap((b) => b.trace.map(([ms, mib]) => [b.target, b.run, ms, mib])),
  );
  write(
    "bundle.csv",
    ["file", "bytes", "map_bytes", "gzip_bytes", "build_ms"],
    [
      [
        "functions/proxy/handler.ts -> index.mjs",
        run.bundle.bytes,
        run.bundle.mapBytes,
        run.bundle.gzipBytes,
        round(run.bundle.buildMs, 0),
      ],
    ],
  );
  write(
    "bundle-composition.csv",
    ["part", "bytes", "lazy_bytes"],
    (run.bundle.composition ?? []).map((p) => [p.name, p.bytes, p.lazyBytes]),
  );
  write(
    "lambda-memory.csv",
    [
      "run",
      "runtime_baseline_mib",
      "after_import_mib",
      "after_plain_mib",
      "big_stream_peak_mib",
      "large_request_body_bytes",
      "large_request_peak_mib",
      "open_streams",
      "per_open_stream_mib",
    ],
    (run.lambdaMemory ?? []).map((m) => [
      m.run,
      round(m.runtimeBaselineMiB, 1),
      round(m.afterImportMiB, 1),
      round(m.afterPlainMiB, 1),
      round(m.bigStreamPeakMiB, 1),
      m.largeRequestBodyBytes,
      round(m.largeRequestPeakMiB, 1),
      m.openStreams,
      round(m.perOpenStreamMiB, 4),
    ]),
  );
  write(
    "cold-start.csv",
    [
      "run",
      "wall_ms",
      "node_boot_ms",
      "import_ms",
      "first_byte_ms",
      "last_byte_ms",
      "handler_return_ms",
      "status",
    ],
    run.coldStarts.map((c) => [
      c.run,
      round(c.wallMs, 1),
      round(c.nodeBootMs, 1),
      round(c.importMs, 1),
      round(c.firstByteMs, 1),
      round(c.lastByteMs, 1),
      round(c.handlerReturnMs, 1),
      c.statusCode,
    ]),
  );
  write(
    "log-items.csv",
    [
      "workload",
      "logs_sampled",
      "mean_log_item_bytes",
      "mean_log_item_wru",
      "mean_body_item_bytes",
      "mean_body_item_wru",
    ],
    Object.entries(run.logItems).map(([workload, item]) => [
      workload,
      item.items,
      round(item.meanLogBytes, 0),
      round(item.meanLogWriteUnits, 2),
      round(item.meanBodyBytes, 0),
      round(item.meanBodyWriteUnits, 2),
    ]),
  );
  write(
    "handler-cpu.csv",
    [
      "variant",
      "workload",
      "requests",
      "cpu_us_per_request",
      "user_us",
      "system_us",
      "wall_us_p50",
      "wall_us_p99",
    ],
    run.handlerCpu.map((h) => [
      h.variant,
      h.workload,
      h.requests,
      round(h.cpuUsPerRequest, 1),
      round(h.userUsPerRequest, 1),
      round(h.systemUsPerRequest, 1),
      round(h.wallUsP50, 1),
      round(h.wallUsP99, 1),
    ]),
  );
}
