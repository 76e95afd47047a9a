import { createServer } from "node:net";
import { backendNiceness, lowerPriority } from "../../infra/local/backend.ts";
import type { BenchConfig } from "./config.ts";
import { type Service, spawnService, stopChild } from "./processes.ts";
import { directTarget, oursTarget, peerTarget, type Target } from "./targets.ts";

export const BENCH_ADMIN_TOKEN = "bench-admin-token-0123456789abcdef";

/** Every process of a run, each on 127.0.0.1. */
export interface Stack {
  mock: Service;
  emulators: Service;
  ours: Service;
  /** Null when BENCH_PEER=0. */
  peer: Service | null;
  targets: Target[];
  /** Endpoints and names our gateway runs with, for the in-process children (cold start, CPU). */
  oursEnv: Record<string, string>;
  /** Milliseconds from spawn to ready, per service. */
  startupMs: Record<string, number>;
  stop(): Promise<void>;
}

const started: Service[] = [];
let exitHookInstalled = false;

/** If the harness dies, its children go with it (each by its own pid, nothing else). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const service of started) if (service.child.exitCode === null) service.child.kill("SIGKILL");
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      Promise.allSettled(started.map((service) => stopChild(service.child))).finally(() => process.exit(130));
    });
  }
}

async function timed(name: string, startupMs: Record<string, number>, start: () => Promise<Service>) {
  const t0 = performance.now();
  const service = await start();
  started.push(service);
  startupMs[name] = Math.round(performance.now() - t0);
  return service;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the mock, the emulators, our gateway and the peer, each in its own process. TypeScript children
 * run under tsx (as `npm start` does); the peer runs its published build with plain node.
 */
export async function startStack(config: BenchConfig, benchDir: string): Promise<Stack> {
  installExitHook();
  const startupMs: Record<string, number> = {};
  const tsx = ["--import", "tsx"];
  const node = process.execPath;
  const quietSdk = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

  // With PROFILE_PHASES=1 the mock and ours (its front and log-writer children too) record their requests.
  const phaseMarks = config.phasesDir
    ? {
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${benchDir}preload/phase-marks.mjs`,
        BENCH_PHASES_DIR: config.phasesDir,
      }
    : {};
  const mock = await timed("mock", startupMs, () =>
    spawnService({
      name: "mock",
      command: node,
      args: [...tsx, `${benchDir}services/mock.ts`],
      env: { BENCH_MOCK: config.mock, ...phaseMarks },
    }),
  );
  const mockUrl = String(mock.info.url);
  const emulators = await timed("emulators", startupMs, () =>
    spawnService({
      name: "emulators",
      command: node,
      args: [...tsx, `${benchDir}services/emulators.ts`],
      env: quietSdk,
    }),
  );
  // The emulators stand in for SQS and DynamoDB, as the log-writer child of ours stands in for a Lambda
  // of its own: both run at the niceness `npm start` gives its backend (infra/local/backend.ts).
  lowerPriority(emulators.pid, backendNiceness());
  const awsEnv = {
    AWS_ENDPOINT_URL_DYNAMODB: String(emulators.info.dynamodb),
    AWS_ENDPOINT_URL_SQS: String(emulators.info.sqs),
    AWS_ENDPOINT_URL_S3: String(emulators.info.s3),
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
    ...quietSdk,
  };
  const profileArgs = config.profile ? ["--cpu-prof", `--cpu-prof-dir=${config.resultsDir}/profiles`] : [];
  const ours = await timed("ours", startupMs, () =>
    spawnService({
      name: "ours",
      command: node,
      args: [...profileArgs, ...tsx, `${benchDir}services/start-ours.ts`],
      env: {
        ...awsEnv,
        ...phaseMarks,
        BENCH_UPSTREAM_URL: mockUrl,
        BENCH_ADMIN_TOKEN,
        // Its log-writer child too (infra/local/backend.ts).
        ...(config.profile ? { AIG_BACKEND_CPU_PROF_DIR: `${config.resultsDir}/profiles` } : {}),
      },
    }),
  );
  const peerPort = await freePort();
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const startPeer = () =>
    timed("peer", startupMs, () =>
      spawnService({
        name: "peer",
        command: node,
        args: [
          "--import",
          `${benchDir}preload/bind-loopback.mjs`,
          "node_modules/@portkey-ai/gateway/build/start-server.js",
          "--headless",
          `--port=${peerPort}`,
        ],
        cwd: benchDir,
        ready: { kind: "http", url: `${peerUrl}/` },
      }),
    );
  const peer = config.peer ? await startPeer() : null;

  const oursInfo = ours.info as { url: string; accountId: string; env: Record<string, string> };
  return {
    mock,
    emulators,
    ours,
    peer,
    targets: [
      directTarget(mockUrl, mock.pid),
      oursTarget(oursInfo.url, oursInfo.accountId, BENCH_ADMIN_TOKEN, ours.pid),
      ...(peer ? [peerTarget(peerUrl, mockUrl, peer.pid)] : []),
    ],
    oursEnv: { ...awsEnv, ...oursInfo.env },
    startupMs,
    async stop() {
      // Our gateway first: it drains its queued log events while the emulators are still up.
      for (const service of [peer, ours, emulators, mock]) await service?.stop();
    },
  };
}
