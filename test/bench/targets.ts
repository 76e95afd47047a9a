import type { RequestSpec } from "./load.ts";

export type TargetName = "direct" | "ours" | "peer";

/**
 * A series of cells in the report: a target, and for ours the state of its log pipeline. `ours` is measured
 * with its log-writer paused during the cell (the headline: on AWS the log-writer is another Lambda on other
 * machines), `ours-running` with it running beside the proxy on the same cores (as `npm start` behaves).
 */
export type SeriesName = TargetName | "ours-running";

/** The interleaving order of every round. */
export const TARGET_NAMES: TargetName[] = ["direct", "ours", "peer"];

/** Where a target is and how a client authenticates to it; the mock behind all three is the same. */
export interface Target {
  name: TargetName;
  origin: string;
  path: string;
  headers: Record<string, string>;
  /** The process serving the target (for RSS and CPU); for direct, the mock's. */
  pid: number;
}

export function directTarget(mockUrl: string, mockPid: number): Target {
  return {
    name: "direct",
    origin: mockUrl,
    path: "/v1/chat/completions",
    headers: { authorization: "Bearer sk-bench" },
    pid: mockPid,
  };
}

/** Our gateway, provider-native surface of the `default` gateway (authentication on, logs on). */
export function oursTarget(url: string, accountId: string, adminToken: string, pid: number): Target {
  return {
    name: "ours",
    origin: url,
    path: `/v1/${accountId}/default/openai/chat/completions`,
    headers: { "cf-aig-authorization": `Bearer ${adminToken}`, authorization: "Bearer sk-bench" },
    pid,
  };
}

/** Portkey's open-source gateway, told to call the mock as its OpenAI host. */
export function peerTarget(url: string, mockUrl: string, pid: number): Target {
  return {
    name: "peer",
    origin: url,
    path: "/v1/chat/completions",
    headers: {
      "x-portkey-provider": "openai",
      "x-portkey-custom-host": `${mockUrl}/v1`,
      authorization: "Bearer sk-bench",
    },
    pid,
  };
}

/** A workload: what the client asks for and how the mock answers (x-mock-* headers pass through). */
export interface Workload {
  name: string;
  stream: boolean;
  mockHeaders: Record<string, string>;
}

export function requestFor(target: Target, workload: Workload, expectBytes: number | null): RequestSpec {
  // Portkey builds the provider's headers itself; it forwards others only when asked to.
  const forward: Record<string, string> =
    target.name === "peer"
      ? { "x-portkey-forward-headers": Object.keys(workload.mockHeaders).join(",") }
      : {};
  const body = {
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "Say hello to the benchmark." }],
    ...(workload.stream ? { stream: true } : {}),
  };
  return {
    origin: target.origin,
    path: target.path,
    headers: { "content-type": "application/json", ...target.headers, ...workload.mockHeaders, ...forward },
    body: Buffer.from(JSON.stringify(body)),
    expectBytes,
  };
}
