import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let test: TestGateway;

beforeAll(async () => {
  test = await startTestGateway();
});

afterAll(async () => {
  await test?.stop();
});

/** The pid of this process's child running infra/local/emulators-process.ts, from `ps`. */
function emulatorsPid(): number | undefined {
  const table = execFileSync("ps", ["-e", "-o", "pid=,ppid=,args="], { encoding: "utf8" });
  const match = table
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .find((row) => row && Number(row[2]) === process.pid && row[3]?.includes("emulators-process.ts"));
  return match ? Number(match[1]) : undefined;
}

describe("the local runtime in memory (--memory) when its emulators' process dies", () => {
  it("starts them again with the tables and queues made again, and serves and logs requests as before", async () => {
    const errors = vi.spyOn(console, "error");
    const before = emulatorsPid();
    expect(before).toBeDefined();
    process.kill(before as number, "SIGKILL");
    await vi.waitFor(
      () => {
        const now = emulatorsPid();
        expect(now).toBeDefined();
        expect(now).not.toBe(before);
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(errors.mock.calls.map((call) => String(call[0]))).toContainEqual(
      expect.stringMatching(/emulators process exited \(SIGKILL\); starting another/),
    );

    // The tables were lost with the process (nothing on disk): the default gateway is made again on this
    // first request, once the tables are back, and its log is stored.
    const completion = await vi.waitFor(
      async () => {
        const response = await fetch(`${test.providerUrl("openai")}/chat/completions`, {
          method: "POST",
          headers: {
            ...test.gatewayAuth,
            authorization: "Bearer sk-test",
            "content-type": "application/json",
          },
          body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
        });
        await response.arrayBuffer();
        expect(response.status).toBe(200);
        return response;
      },
      { timeout: 30_000, interval: 500 },
    );
    const logId = completion.headers.get("cf-aig-log-id") ?? "";
    expect(await test.waitForLog(logId)).toMatchObject({ id: logId });
    errors.mockRestore();
  }, 120_000);
});
