import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

// The local runtime gives each invocation Lambda's 15 minutes; a margin just under that leaves the
// handler about 400 ms, so the deadline is reached in a test without waiting 15 minutes.
const INVOCATION_MS = 15 * 60 * 1000;
const LEFT_MS = 400;

beforeAll(async () => {
  t = await startTestGateway({ DEADLINE_MARGIN_MS: String(INVOCATION_MS - LEFT_MS) });
});

afterAll(async () => {
  await t.stop();
});

async function call(provider: string, path: string, headers: Record<string, string>) {
  const started = Date.now();
  const response = await fetch(`${t.providerUrl(provider)}${path}`, {
    method: "POST",
    headers: { ...t.gatewayAuth, "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: "m", max_tokens: 5, messages: [] }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  return { response, json, elapsed: Date.now() - started };
}

describe("the Lambda deadline", () => {
  it("answers a hanging provider with the gateway's 504 before the deadline, and writes the log", async () => {
    const { response, json, elapsed } = await call("openai", "/chat/completions", {
      authorization: "Bearer sk-test",
      "x-mock-hang": "true",
    });
    expect(response.status).toBe(504);
    expect(elapsed).toBeLessThan(LEFT_MS + 1_000);
    expect((json.error as { message: string }).message).toContain("before its own time limit");
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ status_code: 504, success: false, error: { code: 7010 } });
  });

  it("answers in the surface's dialect (Anthropic)", async () => {
    const { response, json } = await call("anthropic", "/v1/messages", {
      "x-api-key": "sk-ant-test",
      "anthropic-version": "2023-06-01",
      "x-mock-hang": "true",
    });
    expect(response.status).toBe(504);
    expect(json).toMatchObject({ type: "error", error: { type: expect.any(String) } });
  });

  it("does not start a retry wait that would pass the deadline", async () => {
    const { response, elapsed } = await call("openai", "/chat/completions", {
      authorization: "Bearer sk-test",
      "x-mock-status": "503",
      "cf-aig-max-attempts": "5",
      "cf-aig-retry-delay": "5000",
    });
    expect(response.status).toBe(503);
    expect(elapsed).toBeLessThan(2_000);
  });
});
