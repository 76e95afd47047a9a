import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeServer } from "../support/close-server.ts";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
let t: TestGateway;
let buffering: Server;
let bufferingUrl: string;

beforeAll(async () => {
  t = await startTestGateway();
  await t.storeProviderKey("openai", "sk-stored-openai");
  // A layer in front of the gateway that holds each answer until it is complete, as a misconfigured proxy
  // or an API Gateway integration not in STREAM mode does.
  buffering = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
    );
    const answer = await fetch(`${t.gateway.url}${req.url}`, {
      method: req.method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    });
    const body = Buffer.from(await answer.arrayBuffer());
    const forwarded = Object.fromEntries(
      [...answer.headers].filter(([name]) => !["content-length", "transfer-encoding"].includes(name)),
    );
    res.writeHead(answer.status, forwarded).end(body);
  });
  await new Promise<void>((resolve) => buffering.listen(0, "127.0.0.1", resolve));
  bufferingUrl = `http://127.0.0.1:${(buffering.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await closeServer(buffering);
  await t.stop();
});

/** `npm run smoke -- ...args`, as a user runs it; resolves with its exit code and output either way. */
async function smoke(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "infra/smoke/cli.ts", ...args],
      { cwd: root },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe("npm run smoke against the local runtime", () => {
  it("streams through a stored key, sees the chunks arrive apart and the log stored, and skips CloudWatch off AWS", async () => {
    const run = await smoke(
      "--base-url",
      t.gateway.url,
      "--token",
      TEST_ADMIN_TOKEN,
      // The mock's provider writes its 8 content chunks 40 ms apart, as a model streams tokens.
      "--header",
      "x-mock-chunks:8",
      "--header",
      "x-mock-chunk-delay-ms:40",
    );

    expect(run.stdout).toMatch(/^PASS {2}stream: HTTP 200, 8 content chunks in \d+ reads over \d+ ms$/m);
    expect(run.stdout).toMatch(/^PASS {2}chunks arrive apart: /m);
    expect(run.stdout).toMatch(/^PASS {2}log stored: log \S+$/m);
    expect(run.stdout).toMatch(
      /^SKIP {2}metrics and dashboard: the base URL is not an API Gateway URL on AWS$/m,
    );
    expect(run.stdout).toContain("All checks passed.");
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("sk-stored-openai");
  });

  it("fails the chunk check when a layer in front buffers the stream", async () => {
    const run = await smoke(
      "--base-url",
      bufferingUrl,
      "--token",
      TEST_ADMIN_TOKEN,
      "--header",
      "x-mock-chunks:8",
      "--header",
      "x-mock-chunk-delay-ms:40",
    );

    expect(run.stdout).toMatch(/^PASS {2}stream: HTTP 200, 8 content chunks in 1 read over 0 ms$/m);
    expect(run.stdout).toMatch(/^FAIL {2}chunks arrive apart: .* buffered it/m);
    expect(run.stdout).toMatch(/^PASS {2}log stored: /m);
    expect(run.stdout).toContain("1 check failed.");
    expect(run.code).toBe(1);
  });

  it("reports what failed and exits 1 when the token is refused", async () => {
    const run = await smoke("--base-url", t.gateway.url, "--token", "not-a-token", "--log-timeout", "2");

    expect(run.stdout).toMatch(/^FAIL {2}stream: HTTP 401: /m);
    expect(run.stdout).toMatch(/^SKIP {2}chunks arrive apart: no stream$/m);
    expect(run.stdout).toMatch(/^FAIL {2}log stored: /m);
    expect(run.stdout).toContain("2 checks failed.");
    expect(run.code).toBe(1);
  });

  it("names a missing option in one line and exits 2", async () => {
    const run = await smoke("--base-url", "https://abc.execute-api.eu-west-1.amazonaws.com/prod");

    expect(run.stderr.trim().split("\n")).toEqual([
      "--token is required (the admin token, or an API token with run and read)",
      "See npm run smoke -- --help",
    ]);
    expect(run.code).toBe(2);
  });
});
