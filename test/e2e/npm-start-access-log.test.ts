import { type ChildProcess, spawn } from "node:child_process";
import { createInterface, type Interface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccessRecord } from "../../infra/local/access-record.ts";
import { type MockUpstream, startMockUpstream } from "../mock-upstream/server.ts";

const ADMIN_TOKEN = "access-log-admin-token-0123456789abcdef";
const root = new URL("../../", import.meta.url).pathname;

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream();
});

afterAll(async () => {
  await mock.close();
});

interface RunningCli {
  child: ChildProcess;
  url: string;
  /** Every stdout line after the banner, as it comes. */
  lines: string[];
}

/** `npm start` (cli.ts under tsx) with stdout piped: not a terminal, so JSON lines unless told otherwise. */
async function startCli(args: string[]): Promise<RunningCli> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "infra/local/cli.ts", "--port", "0", "--memory", ...args],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, AIG_API_TOKEN: ADMIN_TOKEN, UPSTREAM_OPENAI_URL: `${mock.url}/v1` },
    },
  );
  const reader: Interface = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  const lines: string[] = [];
  let bannerOver = false;
  const url = await new Promise<string>((resolve, reject) => {
    reader.on("line", (line) => {
      if (bannerOver) lines.push(line);
      const match = /AI gateway running at (\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
      if (line.startsWith("Ctrl-C")) bannerOver = true;
    });
    child.once("exit", (code) => reject(new Error(`npm start exited (${code}) before it was ready`)));
  });
  // The banner's last line comes in the same write as its first.
  while (!bannerOver) await sleep(10);
  return { child, url, lines };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGINT");
  });
}

async function chat(url: string): Promise<Response> {
  const response = await fetch(`${url}/v1/local/default/openai/chat/completions`, {
    method: "POST",
    headers: {
      "cf-aig-authorization": `Bearer ${ADMIN_TOKEN}`,
      authorization: "Bearer sk-test",
      "content-type": "application/json",
    },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
  });
  await response.clone().text();
  return response;
}

async function nextLine(lines: string[], count: number): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (lines.length < count && Date.now() < deadline) await sleep(20);
  const line = lines[count - 1];
  if (line === undefined) throw new Error(`no access line ${count}; lines so far: ${lines.join("\n")}`);
  return line;
}

describe("npm start's access log", () => {
  for (const workers of ["1", "2"]) {
    it(`prints one JSON line per request when stdout is not a terminal (--workers ${workers})`, async () => {
      const cli = await startCli(["--workers", workers]);
      try {
        const response = await chat(cli.url);
        expect(response.status).toBe(200);
        const record = JSON.parse(await nextLine(cli.lines, 1)) as AccessRecord;
        expect(record).toMatchObject({
          method: "POST",
          path: "/v1/local/default/openai/chat/completions",
          surface: "provider",
          gateway: "default",
          provider: "openai",
          model: "gpt-4o-mini",
          status: 200,
          log_id: response.headers.get("cf-aig-log-id"),
          attempts: 1,
        });
        expect(record.tokens_in).toBeGreaterThan(0);
        expect(record.tokens_out).toBeGreaterThan(0);
        expect(record.cost).toBeGreaterThan(0);
        expect(record.total_ms).toBeGreaterThanOrEqual(record.provider_ms ?? 0);
        expect(Date.parse(record.time)).not.toBeNaN();

        const list = await fetch(`${cli.url}/client/v4/accounts/local/ai-gateway/gateways`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        expect(list.status).toBe(200);
        const management = JSON.parse(await nextLine(cli.lines, 2)) as AccessRecord;
        expect(management).toMatchObject({
          method: "GET",
          path: "/client/v4/accounts/local/ai-gateway/gateways",
          surface: "management",
          status: 200,
          log_id: null,
        });
      } finally {
        expect(await stop(cli.child)).toBe(0);
      }
    }, 60_000);
  }

  it("prints a readable line with --log-format pretty (no colour when not a terminal)", async () => {
    const cli = await startCli(["--workers", "1", "--log-format", "pretty"]);
    try {
      const response = await chat(cli.url);
      const line = await nextLine(cli.lines, 1);
      expect(line).toMatch(
        /^\d\d:\d\d:\d\d\.\d{3} POST 200 provider default openai\/gpt-4o-mini \d+→\d+ tok \$[\d.]+ \d+ms \(provider \d+ms\) \S+$/,
      );
      expect(line.endsWith(response.headers.get("cf-aig-log-id") ?? "missing")).toBe(true);
      expect(line).not.toContain("\x1b[");
    } finally {
      expect(await stop(cli.child)).toBe(0);
    }
  }, 60_000);

  it("prints the handlers' own logs indented with --log-format pretty (Powertools' dev mode)", async () => {
    const cli = await startCli(["--workers", "1", "--log-format", "pretty"]);
    try {
      const created = await fetch(`${cli.url}/client/v4/accounts/local/ai-gateway/tokens`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "dev-mode", scopes: ["run"] }),
      });
      expect(created.status).toBe(200);
      const deadline = Date.now() + 20_000;
      while (!cli.lines.some((line) => line.includes('"management change"')) && Date.now() < deadline) {
        await sleep(20);
      }
      expect(cli.lines).toContain('    "message": "management change",');
    } finally {
      expect(await stop(cli.child)).toBe(0);
    }
  }, 60_000);

  it("prints no access lines with --quiet", async () => {
    const cli = await startCli(["--workers", "2", "--quiet"]);
    try {
      expect((await chat(cli.url)).status).toBe(200);
      // The line would be printed as soon as the log event is queued; give it well past that.
      await sleep(1_500);
      expect(cli.lines.filter((line) => line.trim() !== "")).toEqual([]);
    } finally {
      expect(await stop(cli.child)).toBe(0);
    }
  }, 60_000);
});

describe("npm start's options", () => {
  function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, ["--import", "tsx", "infra/local/cli.ts", ...args], { cwd: root });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
  }

  it("prints every option with --help and exits 0", async () => {
    const { code, stdout, stderr } = await runCli(["--help"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toContain("Usage: npm start -- [options]");
    for (const flag of [
      "--port N",
      "--memory",
      "--data-dir DIR",
      "--workers N",
      "--log-format",
      "--quiet",
      "--help",
    ]) {
      expect(stdout).toContain(flag);
    }
  }, 30_000);

  it("names an unknown option in one line, points at --help and exits 2", async () => {
    const { code, stdout, stderr } = await runCli(["--verbose"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim()).toBe("Unknown option '--verbose'. Run with --help for the options.");
  }, 30_000);
});
