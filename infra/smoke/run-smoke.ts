import { checkCloudWatch } from "./cloudwatch-checks.ts";
import { waitForLog } from "./log-check.ts";
import type { SmokeOptions } from "./smoke-options.ts";
import { BUFFERED_BELOW_MS, streamChat } from "./stream-check.ts";

export interface CheckResult {
  name: string;
  outcome: "pass" | "fail" | "skip";
  detail: string;
}

/** Runs every check in order; a check that cannot run because an earlier one failed is skipped, saying why. */
export async function runSmoke(options: SmokeOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const stream = await streamChat(options).catch((error: unknown) => ({
    error: `request failed: ${error instanceof Error ? error.message : String(error)}`,
    logId: undefined,
  }));

  if ("status" in stream && stream.error === undefined) {
    const figures = `${stream.deltas} content chunks in ${stream.reads} read${stream.reads === 1 ? "" : "s"} over ${Math.round(stream.spreadMs)} ms`;
    results.push({ name: "stream", outcome: "pass", detail: `HTTP ${stream.status}, ${figures}` });
    const apart = stream.reads >= 2 && stream.spreadMs >= BUFFERED_BELOW_MS;
    results.push({
      name: "chunks arrive apart",
      outcome: apart ? "pass" : "fail",
      detail: apart
        ? `first to last content chunk ${Math.round(stream.spreadMs)} ms`
        : `${figures}: the answer came at once, so a layer between the provider and here buffered it (or the answer was too short to tell)`,
    });
  } else {
    results.push({ name: "stream", outcome: "fail", detail: stream.error ?? "no answer" });
    results.push({ name: "chunks arrive apart", outcome: "skip", detail: "no stream" });
  }

  if (stream.logId === undefined) {
    results.push({ name: "log stored", outcome: "fail", detail: "the answer had no cf-aig-log-id header" });
  } else {
    const problem = await waitForLog(options, stream.logId);
    results.push({
      name: "log stored",
      outcome: problem === undefined ? "pass" : "fail",
      detail: problem === undefined ? `log ${stream.logId}` : `log ${stream.logId}: ${problem}`,
    });
  }

  const cloudWatch = await checkCloudWatch(options);
  if (cloudWatch.skipped) {
    results.push({ name: "metrics and dashboard", outcome: "skip", detail: cloudWatch.skipped });
  } else {
    results.push({
      name: "metrics and dashboard",
      outcome: cloudWatch.failures.length === 0 ? "pass" : "fail",
      detail: [...cloudWatch.found, ...cloudWatch.failures].join("; "),
    });
  }
  return results;
}
