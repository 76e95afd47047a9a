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

export interface DlpStreamSide {
  dlp: "off" | "on";
  samples: number;
  firstByteMs: { p50: number; p90: number };
  lastByteMs: { p50: number; p90: number };
}

export interface DlpStreamCell {
  workload: string;
  off: DlpStreamSide;
  on: DlpStreamSide;
  /** Medians of on minus off, in ms. */
  addedFirstByteMs: number;
  addedLastByteMs: number;
}

function side(dlp: "off" | "on", samples: Sample[]): DlpStreamSide {
  const first = sortedCopy(samples.map((sample) => sample.firstByteUs / 1000));
  const last = sortedCopy(samples.map((sample) => sample.lastByteUs / 1000));
  return {
    dlp,
    samples: samples.length,
    firstByteMs: { p50: round(percentile(first, 50)), p90: round(percentile(first, 90)) },
    lastByteMs: { p50: round(percentile(last, 50)), p90: round(percentile(last, 90)) },
  };
}

/**
 * The stream workload through our gateway on two gateways that differ only in `dlp`: off, and on with every
 * built-in profile for REQUEST and RESPONSE (FLAG, so every request and every chunk is scanned and nothing is
 * refused). Requests alternate between the two at concurrency 1, so both see the same machine; the cell is
 * their time to first and last byte side by side.
 */
export async function measureDlpStream(
  ours: Target,
  management: { accountId: string; adminToken: string },
  workload: Workload,
  requests: number,
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
  for (let index = 0; index < requests; index++) {
    // Alternating which goes first, so neither side always follows the other.
    const order: ("off" | "on")[] = index % 2 === 0 ? ["off", "on"] : ["on", "off"];
    for (const dlp of order) samples[dlp].push(await timedRequest(agent, specs[dlp]));
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
