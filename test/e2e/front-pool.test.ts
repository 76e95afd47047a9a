import cluster from "node:cluster";
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalGateway, startLocalGateway } from "../../infra/local/server.ts";
import { cpuMsOf } from "../bench/processes.ts";
import { type MockUpstream, startMockUpstream } from "../mock-upstream/server.ts";

const ADMIN_TOKEN = "pool-admin-token-0123456789abcdef";

let mock: MockUpstream;
let gateway: LocalGateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  gateway = await startLocalGateway({
    port: 0,
    dataDir: null,
    adminToken: ADMIN_TOKEN,
    workers: 2,
    env: { AIG_LOG_BATCHING_WINDOW_MS: "0", UPSTREAM_OPENAI_URL: `${mock.url}/v1` },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await mock?.close();
});

const frontPids = () =>
  Object.values(cluster.workers ?? {})
    .filter((worker) => worker && !worker.isDead())
    .map((worker) => worker?.process.pid as number);

/** One chat completion over `agent`'s connection; answers the status and the log id. */
function complete(agent: Agent): Promise<{ status: number; logId: string }> {
  const url = new URL(`${gateway.url}/v1/${gateway.accountId}/default/openai/chat/completions`);
  const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: {
          "cf-aig-authorization": `Bearer ${ADMIN_TOKEN}`,
          authorization: "Bearer sk-test",
          "content-type": "application/json",
        },
      },
      (res) => {
        res.resume();
        res.once("end", () =>
          resolve({ status: res.statusCode ?? 0, logId: String(res.headers["cf-aig-log-id"]) }),
        );
      },
    );
    req.once("error", reject);
    req.end(body);
  });
}

/** Whether the log with this id is stored (the logs API answers it). */
async function isStored(logId: string): Promise<boolean> {
  const response = await fetch(
    `${gateway.url}/client/v4/accounts/${gateway.accountId}/ai-gateway/gateways/default/logs/${logId}`,
    { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
  );
  await response.arrayBuffer();
  return response.status === 200;
}

/**
 * Two connections at once, 40 requests each: node:cluster hands new connections to the processes in turn,
 * so each front process serves one. Checks every answer, that each process worked (from its CPU time; a
 * clock tick is 10 ms and 40 requests take far more), and answers the log ids.
 */
async function servedByEveryProcess(): Promise<string[]> {
  const pids = frontPids();
  expect(pids).toHaveLength(2);
  const before = pids.map(cpuMsOf);
  const agents = [0, 1].map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  const answers = await Promise.all(
    agents.map(async (agent) => {
      const mine = [];
      for (let index = 0; index < 40; index++) mine.push(await complete(agent));
      return mine;
    }),
  );
  for (const agent of agents) agent.destroy();
  const all = answers.flat();
  expect(all.every((answer) => answer.status === 200)).toBe(true);
  pids.forEach((pid, index) => {
    expect(cpuMsOf(pid) - (before[index] ?? 0), `CPU of front process ${pid}`).toBeGreaterThan(20);
  });
  return all.map((answer) => answer.logId);
}

describe("the local runtime's front pool", () => {
  it("serves connections from every front process and stores the log of every request", async () => {
    let missing = await servedByEveryProcess();
    const deadline = Date.now() + 20_000;
    while (missing.length > 0 && Date.now() < deadline) {
      const stored = await Promise.all(missing.map(isStored));
      missing = missing.filter((_, index) => !stored[index]);
      if (missing.length > 0) await sleep(200);
    }
    expect(missing).toEqual([]);
  });

  it("replaces a front process that dies, and serves from the new one", async () => {
    const [victim, survivor] = frontPids();
    const replaced = new Promise<number>((resolve) =>
      cluster.once("listening", (worker) => resolve(worker.process.pid as number)),
    );
    process.kill(victim as number, "SIGKILL");
    const replacement = await replaced;
    expect(frontPids().sort()).toEqual([survivor, replacement].sort());
    await servedByEveryProcess();
  });
});
