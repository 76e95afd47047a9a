import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFlakyUpstream } from "../support/flaky-upstream.ts";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let flaky: Awaited<ReturnType<typeof startFlakyUpstream>>;
/** A gateway of its own, so its analytics hold this test's traffic only. */
const gatewayId = "retry-analytics";

beforeAll(async () => {
  flaky = await startFlakyUpstream();
  t = await startTestGateway({ UPSTREAM_GROQ_URL: `${flaky.url}/openai/v1` });
  const created = await fetch(
    `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}/ai-gateway/gateways`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        id: gatewayId,
        cache_invalidate_on_update: false,
        cache_ttl: 0,
        collect_logs: true,
        rate_limiting_interval: 0,
        rate_limiting_limit: 0,
      }),
    },
  );
  expect(created.status).toBe(200);
});

afterAll(async () => {
  await t.stop();
  await new Promise((resolve) => flaky.server.close(resolve));
});

/** Polls a management GET until `done` holds of its result. */
async function until<Result>(path: string, done: (result: Result) => boolean): Promise<Result> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { body } = await t.management(path);
    const result = body.result as Result;
    if (result && done(result)) return result;
    if (Date.now() > deadline) throw new Error(`${path}: still ${JSON.stringify(result).slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Totals {
  requests: number;
  attempts: number;
  errors: number;
  tokens_in: number;
  tokens_out: number;
}

describe("a request retried on the provider-native surface", () => {
  it("counts once in the gateway's analytics, while its log keeps every attempt", async () => {
    const key = `retried-${Date.now()}`;
    const response = await fetch(`${t.providerUrl("groq", gatewayId)}/chat/completions`, {
      method: "POST",
      headers: {
        authorization: "Bearer gsk-test",
        "content-type": "application/json",
        "x-test-key": key,
        "x-fail-times": "2",
        "cf-aig-event-id": key,
        "cf-aig-max-attempts": "3",
        "cf-aig-retry-delay": "10",
      },
      body: JSON.stringify({ model: "llama-3.1-8b-instant", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    expect(flaky.calls.get(key)).toHaveLength(3);

    const rows = await until<Record<string, unknown>[]>(
      `/gateways/${gatewayId}/logs?search=${key}&per_page=50`,
      (found) => found.length >= 3,
    );
    const attempts = [...rows].sort((a, b) => Number(a.attempt) - Number(b.attempt));
    expect(attempts.map((row) => [row.attempt, row.status_code, row.success])).toEqual([
      [1, 503, false],
      [2, 503, false],
      [3, 200, true],
    ]);
    expect(new Set(attempts.map((row) => row.request_id)).size).toBe(1);

    const hour = 3_600_000;
    const start = new Date(Math.floor(Date.now() / hour) * hour - hour).toISOString();
    const end = new Date(Math.floor(Date.now() / hour) * hour + 2 * hour).toISOString();
    const analytics = await until<{ totals: Totals; buckets: ({ provider: string } & Totals)[] }>(
      `/gateways/${gatewayId}/analytics?start=${start}&end=${end}&group_by=provider`,
      (result) => result.totals.attempts >= 3,
    );
    // Reference 5.4: three attempts, one request; tokens are the answering attempt's.
    expect(analytics.totals).toMatchObject({
      requests: 1,
      attempts: 3,
      errors: 2,
      tokens_in: 3,
      tokens_out: 1,
    });
    expect(analytics.buckets.map((bucket) => [bucket.provider, bucket.requests, bucket.attempts])).toEqual([
      ["groq", 1, 3],
    ]);
  });
});
