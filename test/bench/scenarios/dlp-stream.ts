import { keepAliveAgent, type Sample, timedRequest } from "../load.ts";
import type { LogPipeline } from "../log-pipeline.ts";
import { percentile, round, sortedCopy } from "../stats.ts";
import { requestFor, type Target, type Workload } from "../targets.ts";

/** Every built-in profile (shared/checks/dlp/predefined-profiles.ts), checked in both directions. */
const ALL_PROFILES = [
  "financial-information",
  "social-security-insurance-tax-and-identifier-numbers",
  "credentials-and-secrets",
  "contact-information",
];

/** Percentiles of one side, in ms; p99 is absent in runs before issue 21's fast path. */
export interface DlpStreamPercentiles {
  p50: number;
  p90: number;
  p99?: number;
}

export interface DlpStreamSide {
  dlp: "off" | "on";
  samples: number;
  firstByteMs: DlpStreamPercentiles;
  lastByteMs: DlpStreamPercentiles;
}

export interface DlpStreamCell {
  workload: string;
  off: DlpStreamSide;
  on: DlpStreamSide;
  /** Medians of on minus off, in ms. */
  addedFirstByteMs: number;
  addedLastByteMs: number;
}

function percentiles(values: number[]): DlpStreamPercentiles {
  const sorted = sortedCopy(values);
  return {
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
  };
}

function side(dlp: "off" | "on", samples: Sample[]): DlpStreamSide {
  return {
    dlp,
    samples: samples.length,
    firstByteMs: percentiles(samples.map((sample) => sample.firstByteUs / 1000)),
    lastByteMs: percentiles(samples.map((sample) => sample.lastByteUs / 1000)),
  };
}

/**
 * The stream workload through our gateway on two gateways that differ only in `dlp`: off, and on with every
 * built-in profile for REQUEST and RESPONSE (FLAG, so every request and every chunk is scanned and nothing is
 * refused). Requests alternate between the two at concurrency 1, so both see the same machine; the cell is
 * their time to first and last byte side by side, after `warmup` unmeasured requests per side.
 */
export async function measureDlpStream(
  ours: Target,
  management: { accountId: string; adminToken: string },
  workload: Workload,
  counts: { requests: number; warmup: number },
  pipeline: LogPipeline,
): Promise<DlpStreamCell> {
  const gateways = {
    off: { id: "bench-dlp-off" },
    on: {
      id: "bench-dlp-on",
      dlp: {
        enabled: true,
        policies: [
          {
            id: "all",
            action: "FLAG",
            check: ["REQUEST", "RESPONSE"],
            enabled: true,
            profiles: ALL_PROFILES,
          },
        ],
      },
    },
  };
  for (const gateway of Object.values(gateways)) {
    const response = await fetch(
      `${ours.origin}/client/v4/accounts/${management.accountId}/ai-gateway/gateways`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${management.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({
          cache_ttl: 0,
          cache_invalidate_on_update: false,
          collect_logs: true,
          rate_limiting_interval: 0,
          rate_limiting_limit: 0,
          authentication: false,
          ...gateway,
        }),
      },
    );
    // 409: made by an earlier cell of the same run.
    if (!response.ok && response.status !== 409) throw new Error(`gateway ${gateway.id}: ${response.status}`);
  }
  const agent = keepAliveAgent(1);
  const specFor = (gatewayId: string) => {
    const target = { ...ours, path: ours.path.replace("/default/", `/${gatewayId}/`) };
    return requestFor(target, workload, null);
  };
  const specs = { off: specFor(gateways.off.id), on: specFor(gateways.on.id) };
  const samples: Record<"off" | "on", Sample[]> = { off: [], on: [] };
  for (let index = 0; index < counts.warmup + counts.requests; index++) {
    // Alternating which goes first, so neither side always follows the other.
    const order: ("off" | "on")[] = index % 2 === 0 ? ["off", "on"] : ["on", "off"];
    for (const dlp of order) {
      const sample = await timedRequest(agent, specs[dlp]);
      if (index >= counts.warmup) samples[dlp].push(sample);
    }
  }
  agent.destroy();
  await pipeline.drain();
  const off = side("off", samples.off);
  const on = side("on", samples.on);
  return {
    workload: workload.name,
    off,
    on,
    addedFirstByteMs: round(on.firstByteMs.p50 - off.firstByteMs.p50),
    addedLastByteMs: round(on.lastByteMs.p50 - off.lastByteMs.p50),
  };
}
