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
  // A cut stream may end the connection (the unified surfaces without an in-band error event).
  await response.text().catch(() => "");
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

/** A gateway with one fixed spend rule of `limit` dollars an hour, and no rate limit or cache. */
async function budgetedGateway(id: string, limit: number) {
  const created = await fetch(`${t.gateway.url}/client/v4/accounts/local/ai-gateway/gateways`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({
      id,
      authentication: true,
      cache_ttl: 0,
      cache_invalidate_on_update: false,
      collect_logs: true,
      rate_limiting_interval: 0,
      rate_limiting_limit: 0,
      spend_limits: {
        enabled: true,
        rules: [{ id: "cap", limit, limitType: "cost", window: 3600, technique: "fixed" }],
      },
    }),
  });
  expect(created.status).toBe(200);
}

/**
 * Output tokens at $0.001 and input free, so a request's reserved bound is exactly `max_tokens` * $0.001
 * (docs/spend-limits.md) and its real cost is the mock's output tokens * $0.001.
 */
const OUTPUT_PRICED = { "cf-aig-custom-cost": JSON.stringify({ per_token_in: 0, per_token_out: 0.001 }) };
const REAL_COST = MOCK_USAGE.openai.output * 0.001;

type Surface = "provider-native" | "compat";

function cappedChat(
  surface: Surface,
  gatewayId: string,
  maxTokens: number,
  headers: Record<string, string> = {},
  stream = false,
) {
  const native = surface === "provider-native";
  return fetch(
    native
      ? `${t.providerUrl("openai", gatewayId)}/chat/completions`
      : `${t.compatUrl(gatewayId)}/chat/completions`,
    {
      method: "POST",
      headers: {
        ...t.gatewayAuth,
        authorization: "Bearer sk-test",
        "content-type": "application/json",
        ...OUTPUT_PRICED,
        ...headers,
      },
      body: JSON.stringify({
        model: native ? "gpt-4o-mini" : "openai/gpt-4o-mini",
        max_tokens: maxTokens,
        messages: [{ role: "user", content: "Hi" }],
        ...(stream ? { stream: true } : {}),
      }),
    },
  );
}

async function expectSpendRefusal(response: Response) {
  expect(response.status).toBe(429);
  const body = (await response.json()) as {
    error?: { code?: unknown };
    internalCode?: number;
    message?: string;
  };
  expect(JSON.stringify(body)).toContain("2041");
  expect(JSON.stringify(body)).toContain("Spend limit exceeded: rule 'cap' (cost limit");
}

describe("spend limits", () => {
  it("refuse with 429 and code 2041, before calling the provider, a request whose cost bound does not fit", async () => {
    await budgetedGateway("budgeted", 0.01);
    const expensive = { "cf-aig-custom-cost": JSON.stringify({ per_token_in: 0.001, per_token_out: 0.001 }) };
    const before = t.mock.requests.length;

    // Nothing is spent yet, but the bound (the body's bytes and max_tokens at $0.001) is past $0.01.
    const refused = await chat("budgeted", expensive);
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { internalCode: number; message: string };
    expect(body.internalCode).toBe(2041);
    expect(body.message).toContain("Spend limit exceeded: rule 'cap' (cost limit 0.01 per 3600s, fixed)");
    expect(t.mock.requests.length).toBe(before);

    // gpt-4o-mini at its list price and 5 output tokens at most: the bound fits.
    const admitted = await fetch(`${t.providerUrl("openai", "budgeted")}/chat/completions`, {
      method: "POST",
      headers: { ...t.gatewayAuth, authorization: "Bearer sk-test", "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4o-mini",
        max_tokens: 5,
        messages: [{ role: "user", content: "Hi" }],
      }),
    });
    expect(admitted.status).toBe(200);
    await logOf("budgeted", admitted);
  });

  describe.each<Surface>(["provider-native", "compat"])("on the %s surface", (surface) => {
    const gatewayOf = (name: string) => `${name}-${surface}`;

    it("100 concurrent requests against a budget worth 5 requests never spend more than the limit", async () => {
      const gatewayId = gatewayOf("concurrent");
      const limit = 5 * REAL_COST;
      await budgetedGateway(gatewayId, limit);

      // max_tokens equal to the mock's output: each request reserves exactly what it will cost.
      const responses = await Promise.all(
        Array.from({ length: 100 }, () => cappedChat(surface, gatewayId, MOCK_USAGE.openai.output)),
      );
      const admitted = responses.filter((response) => response.status === 200);
      const refused = responses.filter((response) => response.status !== 200);
      expect(admitted.length).toBe(5);
      for (const response of refused) await expectSpendRefusal(response);
      const logs = await Promise.all(admitted.map((response) => logOf(gatewayId, response)));
      const spent = logs.reduce((sum, log) => sum + Number(log.cost), 0);
      expect(spent).toBeLessThanOrEqual(limit + 1e-9);
    });

    it("settlement returns the unused part of each reservation: sequential requests admit exactly as many as fit", async () => {
      const gatewayId = gatewayOf("sequential");
      // Each request reserves 20 output tokens ($0.02) and costs the mock's 5 ($0.005). With $0.0355, the
      // fourth request still fits (3 * 0.005 spent + 0.02 reserved = 0.035); the fifth does not (0.04).
      const bound = 20 * 0.001;
      const limit = 3 * REAL_COST + bound + 0.0005;
      await budgetedGateway(gatewayId, limit);

      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const response = await cappedChat(surface, gatewayId, 20);
        statuses.push(response.status);
        // The reservation is settled before the log is queued: once the log is stored, it is settled.
        if (response.status === 200) await logOf(gatewayId, response);
        else await expectSpendRefusal(response);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    });

    it("a request the provider fails gives its whole reservation back", async () => {
      const gatewayId = gatewayOf("failed");
      // Room for one reservation of $0.02 at a time.
      await budgetedGateway(gatewayId, 0.03);

      const failed = await cappedChat(surface, gatewayId, 20, { "x-mock-status": "500" });
      expect(failed.status).toBeGreaterThanOrEqual(500);
      await logOf(gatewayId, failed);

      const admitted = await cappedChat(surface, gatewayId, 20);
      expect(admitted.status).toBe(200);
      await logOf(gatewayId, admitted);
    });

    it("a stream cut before the provider reported its usage keeps its whole reservation", async () => {
      const gatewayId = gatewayOf("cut");
      // Room for one reservation of $0.02 at a time.
      await budgetedGateway(gatewayId, 0.03);

      // The mock's OpenAI stream reports usage in its last chunk, which a cut never reaches.
      const cut = await cappedChat(surface, gatewayId, 20, { "x-mock-cut-after": "2" }, true);
      expect(cut.status).toBe(200);
      const log = await logOf(gatewayId, cut);
      expect(log.cost).toBeNull();

      // The provider billed what it generated before the cut: the $0.02 stays reserved.
      await expectSpendRefusal(await cappedChat(surface, gatewayId, 20));
    });
  });
});
