import { keepAliveAgent, timedRequest } from "../load.ts";
import type { LogPipeline } from "../log-pipeline.ts";
import { memoryOfAll, servingPidsOf } from "../processes.ts";
import { requestFor, type Target, type Workload } from "../targets.ts";

export interface BigStreamRun {
  target: string;
  run: number;
  bytes: number;
  durationMs: number;
  rssBeforeMiB: number;
  rssMaxMiB: number;
  growthMiB: number;
  /** The RSS trace: ms since the request was sent, RSS in MiB (every ~5 ms, and 300 ms past the end). */
  trace: Array<[number, number]>;
}

const MiB = 1024 * 1024;

/**
 * Streams one large response through a gateway while sampling its VmRSS from /proc every few ms; the
 * growth is the highest sample minus the RSS just before the request. The client reads as fast as it can.
 * Sampling goes on for 300 ms after the last byte, while the log event is built and queued.
 */
export async function measureBigStream(
  target: Target,
  workload: Workload,
  run: number,
  pipeline: LogPipeline,
): Promise<BigStreamRun> {
  const agent = keepAliveAgent(1);
  const pids = servingPidsOf(target.pid);
  const rssBefore = memoryOfAll(pids).rss;
  const trace: Array<[number, number]> = [];
  const started = performance.now();
  let max = rssBefore;
  const sample = () => {
    const { rss } = memoryOfAll(pids);
    max = Math.max(max, rss);
    trace.push([Math.round(performance.now() - started), Math.round((rss / MiB) * 10) / 10]);
  };
  const timer = setInterval(sample, 5);
  try {
    const result = await timedRequest(agent, requestFor(target, workload, null), 120_000);
    const durationMs = result.lastByteUs / 1_000;
    await new Promise((resolve) => setTimeout(resolve, 300));
    sample();
    if (target.name === "ours") await pipeline.drain();
    return {
      target: target.name,
      run,
      bytes: result.bytes,
      durationMs,
      rssBeforeMiB: rssBefore / MiB,
      rssMaxMiB: max / MiB,
      growthMiB: (max - rssBefore) / MiB,
      trace,
    };
  } finally {
    clearInterval(timer);
    agent.destroy();
  }
}
