import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

const settings = {
  cache_invalidate_on_update: false,
  cache_ttl: 0,
  collect_logs: true,
  rate_limiting_interval: 3600,
  rate_limiting_limit: 10,
  rate_limiting_technique: "fixed",
  authentication: false,
};

/** A management call with the admin token (the test gateway's), its result typed for these tests. */
async function manage(method: string, path: string, body?: unknown) {
  const answer = await t.managementSend(method, path, body);
  return {
    status: answer.status,
    body: answer.body as unknown as { result: Record<string, unknown>; errors: { message: string }[] },
  };
}

beforeAll(async () => {
  t = await startTestGateway({ CONFIG_CACHE_TTL_MS: "0" });
});

afterAll(async () => {
  await t?.stop();
});

let counter = 0;
function chat(gatewayId: string, provider = "openai", headers: Record<string, string> = {}, body?: unknown) {
  const path = provider === "anthropic" ? "v1/messages" : "chat/completions";
  return fetch(`${t.providerUrl(provider, gatewayId)}/${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: "Bearer sk-test",
      "x-api-key": "sk-ant",
      ...headers,
    },
    body: JSON.stringify(
      body ?? { model: "m", max_tokens: 8, messages: [{ role: "user", content: `hello ${++counter}` }] },
    ),
  });
}

async function waitForLog(gatewayId: string, logId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { status, body } = await t.management(`/gateways/${gatewayId}/logs/${logId}`);
    if (status === 200) return body.result as Record<string, unknown>;
    if (Date.now() > deadline) throw new Error(`log ${logId} not stored`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("rate limiting through the local runtime", () => {
  it("admits exactly 10 of 30 concurrent requests on a limit of 10, and refuses the rest with 429 / 2003", async () => {
    expect((await manage("POST", "/gateways", { id: "limited", ...settings })).status).toBe(200);
    const before = t.mock.requests.length;
    const responses = await Promise.all(Array.from({ length: 30 }, () => chat("limited")));
    const admitted = responses.filter((response) => response.status === 200);
    const refused = responses.filter((response) => response.status === 429);
    expect(admitted).toHaveLength(10);
    expect(refused).toHaveLength(20);
    expect(t.mock.requests.length - before).toBe(10);

    for (const response of admitted) {
      expect(response.headers.get("ratelimit-policy")).toBe('"default";q=10;w=3600');
      expect(response.headers.get("ratelimit")).toMatch(/^"default";r=\d;t=\d+$/);
      await response.text();
    }
    const remaining = admitted.map((response) =>
      Number(/r=(\d+)/.exec(response.headers.get("ratelimit") ?? "")?.[1]),
    );
    expect(remaining.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const sample = refused[0] as Response;
    expect(Number(sample.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(sample.headers.get("retry-after"))).toBeLessThanOrEqual(3600);
    expect(sample.headers.get("ratelimit")).toMatch(/^"default";r=0;t=\d+$/);
    expect(sample.headers.get("ratelimit-policy")).toBe('"default";q=10;w=3600');
    const body = (await sample.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      error: { type: "rate_limit_error", code: 2003 },
      name: "AiGatewayError",
      internalCode: 2003,
      httpCode: 429,
    });

    const log = await waitForLog("limited", sample.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ status_code: 429, success: false, error: { code: 2003 } });
  });

  it("answers in the Anthropic dialect on an Anthropic route", async () => {
    await manage("POST", "/gateways", { id: "limited-anthropic", ...settings, rate_limiting_limit: 1 });
    expect((await chat("limited-anthropic", "anthropic")).status).toBe(200);
    const refused = await chat("limited-anthropic", "anthropic");
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({
      type: "error",
      error: { type: "rate_limit_error" },
      internalCode: 2003,
    });
  });

  it("does not count cache hits: they never reach the provider", async () => {
    await manage("POST", "/gateways", {
      id: "limited-cached",
      ...settings,
      rate_limiting_limit: 2,
      cache_ttl: 300,
    });
    const repeated = { model: "m", messages: [{ role: "user", content: "same question" }] };
    expect((await chat("limited-cached", "openai", {}, repeated)).headers.get("cf-aig-cache-status")).toBe(
      "MISS",
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let index = 0; index < 5; index++) {
      const hit = await chat("limited-cached", "openai", {}, repeated);
      expect(hit.status).toBe(200);
      expect(hit.headers.get("cf-aig-cache-status")).toBe("HIT");
      expect(hit.headers.get("ratelimit")).toBeNull();
    }
    expect((await chat("limited-cached")).status).toBe(200);
    expect((await chat("limited-cached")).status).toBe(429);
  });

  it("sliding technique: the same limit holds for a burst", async () => {
    await manage("POST", "/gateways", {
      id: "sliding",
      ...settings,
      rate_limiting_limit: 3,
      rate_limiting_technique: "sliding",
    });
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () => chat("sliding").then((response) => response.status)),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
  });
});

describe("rate-limit settings in the management API", () => {
  it("stores rate_limiting_fail_closed and returns it", async () => {
    const created = await manage("POST", "/gateways", {
      id: "closed",
      ...settings,
      rate_limiting_fail_closed: true,
    });
    expect(created.status).toBe(200);
    expect(created.body.result).toMatchObject({ rate_limiting_fail_closed: true });
    expect((await manage("GET", "/gateways/closed")).body.result).toMatchObject({
      rate_limiting_fail_closed: true,
    });
  });

  it.each([
    [
      "a limit without an interval",
      { rate_limiting_limit: 5, rate_limiting_interval: 0 },
      /rate_limiting_interval/,
    ],
    ["a negative limit", { rate_limiting_limit: -1 }, /rate_limiting_limit/],
    ["a fractional interval", { rate_limiting_interval: 1.5 }, /rate_limiting_interval/],
    ["an unknown technique", { rate_limiting_technique: "leaky" }, /rate_limiting_technique/],
    ["a non-boolean fail_closed", { rate_limiting_fail_closed: "yes" }, /rate_limiting_fail_closed/],
  ])("refuses %s with a 400 and stores nothing", async (_, change, message) => {
    const created = await manage("POST", "/gateways", { id: "bad-limits", ...settings, ...change });
    expect(created.status).toBe(400);
    expect(created.body.errors[0]?.message).toMatch(message);
    expect((await manage("GET", "/gateways/bad-limits")).status).toBe(404);

    const before = (await manage("GET", "/gateways/limited")).body.result;
    expect((await manage("PUT", "/gateways/limited", { ...settings, ...change })).status).toBe(400);
    expect((await manage("GET", "/gateways/limited")).body.result).toEqual(before);
  });
});
