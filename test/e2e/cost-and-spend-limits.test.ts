import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_USAGE } from "../mock-upstream/server.ts";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway({ CONFIG_CACHE_TTL_MS: "0" });
});

afterAll(async () => {
  await t.stop();
});

function chat(gatewayId: string, headers: Record<string, string> = {}) {
  return fetch(`${t.providerUrl("openai", gatewayId)}/chat/completions`, {
    method: "POST",
    headers: {
      ...t.gatewayAuth,
      authorization: "Bearer sk-test",
      "content-type": "application/json",
      ...headers,
    },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
  });
}

async function logOf(gatewayId: string, response: Response) {
  await response.text();
  const logId = response.headers.get("cf-aig-log-id") ?? "";
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = await t.management(`/gateways/${gatewayId}/logs/${logId}`);
    if (found.status === 200) return found.body.result as Record<string, unknown>;
    if (Date.now() > deadline) throw new Error(`log ${logId} not stored`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("cost in logs", () => {
  it("prices a known model from the pricing table", async () => {
    const log = await logOf("default", await chat("default"));
    const usage = MOCK_USAGE.openai;
    // gpt-4o-mini: $0.15 per million input tokens, $0.60 per million output tokens.
    expect(log.cost).toBeCloseTo((usage.input * 0.15 + usage.output * 0.6) / 1_000_000, 12);
    expect(log.custom_cost).toBe(false);
  });

  it("uses cf-aig-custom-cost when the request sets it, and marks the log", async () => {
    const log = await logOf(
      "default",
      await chat("default", {
        "cf-aig-custom-cost": JSON.stringify({ per_token_in: 0.001, per_token_out: 0.002 }),
      }),
    );
    expect(log.cost).toBeCloseTo(12 * 0.001 + 5 * 0.002, 12);
    expect(log.custom_cost).toBe(true);
  });

  it("refuses a malformed cf-aig-custom-cost with 400 before calling the provider", async () => {
    const before = t.mock.requests.length;
    const response = await chat("default", { "cf-aig-custom-cost": "{not json" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain("cf-aig-custom-cost");
    expect(t.mock.requests.length).toBe(before);
  });
});

describe("spend limits", () => {
  it("refuse a request with 429 and code 2041 once the window's spend passes the limit", async () => {
    const created = await fetch(`${t.gateway.url}/client/v4/accounts/local/ai-gateway/gateways`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        id: "budgeted",
        authentication: true,
        cache_ttl: 0,
        cache_invalidate_on_update: false,
        collect_logs: true,
        rate_limiting_interval: 0,
        rate_limiting_limit: 0,
        spend_limits: {
          enabled: true,
          rules: [{ id: "cap", limit: 0.01, limitType: "cost", window: 3600, technique: "fixed" }],
        },
      }),
    });
    expect(created.status).toBe(200);
    const expensive = { "cf-aig-custom-cost": JSON.stringify({ per_token_in: 0.001, per_token_out: 0.001 }) };

    // 17 tokens at $0.001: $0.017, past the $0.01 budget once the log-writer has counted it.
    const first = await chat("budgeted", expensive);
    expect(first.status).toBe(200);
    await logOf("budgeted", first);
    // The proxy keeps budget reads for 2 s (docs/spend-limits.md: how stale the spend can be).
    await new Promise((resolve) => setTimeout(resolve, 2_100));

    const refused = await chat("budgeted");
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { internalCode: number; message: string };
    expect(body.internalCode).toBe(2041);
    expect(body.message).toContain("Spend limit exceeded: rule 'cap' (cost limit 0.01 per 3600s, fixed)");
  });
});
