import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockUpstream, startMockUpstream } from "../mock-upstream/server.ts";

const ADMIN_TOKEN = "lifecycle-admin-token-0123456789abcdef";
const root = new URL("../../", import.meta.url).pathname;

let mock: MockUpstream;
let dataDir: string;

beforeAll(async () => {
  mock = await startMockUpstream();
  dataDir = mkdtempSync(join(tmpdir(), "aig-lifecycle-"));
});

afterAll(async () => {
  await mock.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * `npm start` as a user runs it (cli.ts under tsx), in a process group of its own so that a signal to the
 * group is what Ctrl-C in a terminal sends: to the gateway and to its front and backend processes alike.
 */
async function startCli(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    // Two front processes, as on a 2-core machine, whatever this one has.
    ["--import", "tsx", "infra/local/cli.ts", "--port", "0", "--data-dir", dataDir, "--workers", "2"],
    {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, AIG_API_TOKEN: ADMIN_TOKEN, UPSTREAM_OPENAI_URL: `${mock.url}/v1` },
    },
  );
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on("line", (line) => {
      const match = /AI gateway running at (\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`npm start exited (${code}) before it was ready`)));
  });
  return { child, url };
}

/** The processes of a process group (Linux and macOS `ps`). */
function processGroup(pgid: number): number[] {
  const table = execFileSync("ps", ["-e", "-o", "pid=,pgid="], { encoding: "utf8" });
  return table
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([, group]) => group === pgid)
    .map(([pid]) => pid as number);
}

async function answers(url: string): Promise<boolean> {
  try {
    await (await fetch(url)).arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** The messages the queue journal (infra/local/queue-journal.ts) says are still queued. */
function messagesLeftInJournal(): string[] {
  const left = new Set<string>();
  for (const line of readFileSync(join(dataDir, "sqs-journal.ndjson"), "utf8").split("\n")) {
    if (!line) continue;
    const record = JSON.parse(line) as { sent?: string; deleted?: string };
    if (record.sent) left.add(record.sent);
    if (record.deleted) left.delete(record.deleted);
  }
  return [...left];
}

function ctrlC(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    process.kill(-(child.pid as number), "SIGINT");
  });
}

describe("npm start", () => {
  it("stores the logs still queued at Ctrl-C, exits cleanly, and keeps them in .data/ across a restart", async () => {
    const first = await startCli();
    const response = await fetch(`${first.url}/v1/local/default/openai/chat/completions`, {
      method: "POST",
      headers: {
        "cf-aig-authorization": `Bearer ${ADMIN_TOKEN}`,
        authorization: "Bearer sk-test",
        "content-type": "application/json",
      },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(response.status).toBe(200);
    const logId = response.headers.get("cf-aig-log-id");
    await response.text();
    // At once: the log event may still be on the queue, which the shutdown must drain.
    expect(await ctrlC(first.child)).toBe(0);
    // Drained, not just kept: the queue's journal holds no message that was not deleted after storing it.
    expect(messagesLeftInJournal()).toEqual([]);

    const second = await startCli();
    try {
      const stored = await fetch(
        `${second.url}/client/v4/accounts/local/ai-gateway/gateways/default/logs/${logId}`,
        { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
      );
      expect(stored.status).toBe(200);
      const body = (await stored.json()) as { result: { id: string; model: string } };
      expect(body.result).toMatchObject({ id: logId, model: "gpt-4o-mini" });
    } finally {
      expect(await ctrlC(second.child)).toBe(0);
    }
  }, 60_000);

  it("exits with a clear message when its port is taken", async () => {
    const first = await startCli();
    try {
      const port = new URL(first.url).port;
      const second = spawn(
        process.execPath,
        ["--import", "tsx", "infra/local/cli.ts", "--port", port, "--memory", "--workers", "2"],
        {
          cwd: root,
          stdio: ["ignore", "ignore", "pipe"],
          env: { ...process.env, AIG_API_TOKEN: ADMIN_TOKEN },
        },
      );
      let stderr = "";
      second.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
      });
      const code = await new Promise((resolve) => second.once("exit", resolve));
      expect(code).toBe(1);
      expect(stderr).toContain(`Port ${port} is in use`);
    } finally {
      expect(await ctrlC(first.child)).toBe(0);
    }
  }, 60_000);

  it("stops every process it started, logs stored first, when npm itself gets SIGTERM (systemd, docker stop)", async () => {
    // `npm start` itself, in a process group of its own: the signal goes to npm's process alone.
    const npm = spawn("npm", ["run", "start", "--", "--port", "0", "--data-dir", dataDir, "--workers", "2"], {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, AIG_API_TOKEN: ADMIN_TOKEN, UPSTREAM_OPENAI_URL: `${mock.url}/v1` },
    });
    const npmPid = npm.pid as number;
    try {
      const lines = createInterface({ input: npm.stdout as NonNullable<typeof npm.stdout> });
      const url = await new Promise<string>((resolve, reject) => {
        lines.on("line", (line) => {
          const match = /AI gateway running at (\S+)/.exec(line);
          if (match?.[1]) resolve(match[1]);
        });
        npm.once("exit", (code) => reject(new Error(`npm start exited (${code}) before it was ready`)));
      });
      lines.on("line", () => {});
      const started = processGroup(npmPid);
      // npm, the shell it runs, the gateway, its emulators, log-writer and two front processes at least.
      expect(started.length).toBeGreaterThanOrEqual(6);
      const response = await fetch(`${url}/v1/local/default/openai/chat/completions`, {
        method: "POST",
        headers: {
          "cf-aig-authorization": `Bearer ${ADMIN_TOKEN}`,
          authorization: "Bearer sk-test",
          "content-type": "application/json",
        },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
      });
      expect(response.status).toBe(200);
      await response.text();

      process.kill(npmPid, "SIGTERM");
      const deadline = Date.now() + 40_000;
      while (processGroup(npmPid).length > 0 && Date.now() < deadline) await sleep(250);
      expect(processGroup(npmPid), "processes left running").toEqual([]);
      expect(await answers(url)).toBe(false);
      // It stopped as at Ctrl-C: the queued log events were stored first.
      expect(messagesLeftInJournal()).toEqual([]);
    } finally {
      for (const pid of processGroup(npmPid)) process.kill(pid, "SIGKILL");
    }
  }, 90_000);
});
