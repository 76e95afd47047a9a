import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type LocalGateway, startLocalGateway } from "../../infra/local/server.ts";
import { type MockUpstream, startMockUpstream } from "../mock-upstream/server.ts";

const ADMIN_TOKEN = "crash-admin-token-0123456789abcdef";
const REQUESTS = 150;
const CONCURRENCY = 4;

let mock: MockUpstream;
let gateway: LocalGateway;
let dataDir: string;

/**
 * `npm start`'s runtime in this process, as front-pool.test.ts starts it (two front processes), with its
 * data in a directory as `npm start` keeps it. One per file: the handlers read their environment once.
 */
beforeAll(async () => {
  mock = await startMockUpstream();
  dataDir = mkdtempSync(join(tmpdir(), "aig-crash-"));
  gateway = await startLocalGateway({
    port: 0,
    dataDir,
    adminToken: ADMIN_TOKEN,
    workers: 2,
    visibilityTimeoutSeconds: 1,
    env: {
      AIG_LOG_BATCHING_WINDOW_MS: "0",
      UPSTREAM_OPENAI_URL: `${mock.url}/v1`,
      // The requests themselves must not depend on storage while the emulators restart: what is tested is
      // that their logs are all stored.
      CONFIG_CACHE_TTL_MS: "600000",
      TOKEN_CACHE_TTL_MS: "600000",
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await mock?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The pid of this process's child running `file` (infra/local/<file>), from `ps`. */
function childRunning(file: string): number {
  const table = execFileSync("ps", ["-e", "-o", "pid=,ppid=,args="], { encoding: "utf8" });
  const pids = table
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match) => match && Number(match[2]) === process.pid && match[3]?.includes(file))
    .map((match) => Number(match?.[1]));
  expect(pids, `one child running ${file}`).toHaveLength(1);
  return pids[0] as number;
}

async function complete(target: LocalGateway): Promise<string> {
  const response = await fetch(`${target.url}/v1/${target.accountId}/default/openai/chat/completions`, {
    method: "POST",
    headers: {
      "cf-aig-authorization": `Bearer ${ADMIN_TOKEN}`,
      authorization: "Bearer sk-test",
      "content-type": "application/json",
    },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
  });
  await response.arrayBuffer();
  expect(response.status).toBe(200);
  return response.headers.get("cf-aig-log-id") ?? "";
}

/**
 * REQUESTS requests, CONCURRENCY at a time; `midway` runs once a third of them are answered, so that the
 * other hundred come while the killed process is started again (a second or two) and after.
 */
async function load(target: LocalGateway, midway: () => void): Promise<string[]> {
  const logIds: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        next++;
        logIds.push(await complete(target));
        if (logIds.length === REQUESTS / 3) midway();
      }
    }),
  );
  return logIds;
}

/** The log ids among `logIds` the logs API does not answer, after waiting up to `timeoutMs` for them. */
async function missingLogs(target: LocalGateway, logIds: string[], timeoutMs = 60_000): Promise<string[]> {
  let missing = logIds;
  const deadline = Date.now() + timeoutMs;
  while (missing.length > 0 && Date.now() < deadline) {
    const stored = await Promise.all(
      missing.map(async (id) => {
        const response = await fetch(
          `${target.url}/client/v4/accounts/${target.accountId}/ai-gateway/gateways/default/logs/${id}`,
          { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
        ).catch(() => null);
        await response?.arrayBuffer();
        return response?.status === 200;
      }),
    );
    missing = missing.filter((_, index) => !stored[index]);
    if (missing.length > 0) await sleep(500);
  }
  return missing;
}

describe("the local runtime's log pipeline when one of its processes dies", () => {
  it("restarts a log-writer killed mid-load, says so, and stores the log of every request", async () => {
    const errors = vi.spyOn(console, "error");
    const target = gateway;
    const logWriter = childRunning("log-writer-process.ts");

    const logIds = await load(target, () => process.kill(logWriter, "SIGKILL"));

    expect(new Set(logIds).size).toBe(REQUESTS);
    expect(await missingLogs(target, logIds)).toEqual([]);
    expect(errors.mock.calls.map((call) => String(call[0]))).toContainEqual(
      expect.stringMatching(/log-writer process exited \(SIGKILL\); starting another/),
    );
    expect(childRunning("log-writer-process.ts")).not.toBe(logWriter);
  }, 180_000);

  it("restarts the emulators killed mid-load on their ports, and stores the log of every request", async () => {
    const errors = vi.spyOn(console, "error");
    const target = gateway;
    const emulators = childRunning("emulators-process.ts");

    const logIds = await load(target, () => process.kill(emulators, "SIGKILL"));

    expect(new Set(logIds).size).toBe(REQUESTS);
    expect(await missingLogs(target, logIds)).toEqual([]);
    expect(errors.mock.calls.map((call) => String(call[0]))).toContainEqual(
      expect.stringMatching(/emulators process exited \(SIGKILL\); starting another/),
    );
    expect(childRunning("emulators-process.ts")).not.toBe(emulators);
  }, 180_000);
});
