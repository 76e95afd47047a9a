import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFlakyUpstream } from "../support/flaky-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let flaky: Awaited<ReturnType<typeof startFlakyUpstream>>;

beforeAll(async () => {
  flaky = await startFlakyUpstream();
  t = await startTestGateway({ UPSTREAM_GROQ_URL: `${flaky.url}/openai/v1` });
});

afterAll(async () => {
  await t.stop();
  await new Promise((resolve) => flaky.server.close(resolve));
});

let keys = 0;
const newKey = () => `u${++keys}-${Date.now()}`;

const groqStep = (key: string, headers: Record<string, string> = {}, config?: Record<string, unknown>) => ({
  provider: "groq",
  endpoint: "chat/completions",
  headers: { authorization: "Bearer gsk-test", "x-test-key": key, ...headers },
  query: { model: "llama-3.1-8b-instant", messages: [{ role: "user", content: "hi" }] },
  ...(config ? { config } : {}),
});

const openaiStep = (headers: Record<string, string> = {}, config?: Record<string, unknown>) => ({
  provider: "openai",
  endpoint: "/chat/completions",
  headers: { authorization: "Bearer sk-test", ...headers },
  query: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
  ...(config ? { config } : {}),
});

async function universal(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${t.gateway.url}/v1/${t.gateway.accountId}/default`, {
    method: "POST",
    headers: { ...t.gatewayAuth, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { response, text, step: response.headers.get("cf-aig-step") };
}

async function rowsOf(eventId: string, count: number): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { body } = await t.management(`/gateways/default/logs?search=${eventId}&per_page=50`);
    const rows = (body.result as Record<string, unknown>[]) ?? [];
    if (rows.length >= count) return rows.sort((a, b) => Number(a.attempt) - Number(b.attempt));
    if (Date.now() > deadline) throw new Error(`${rows.length} of ${count} log rows for ${eventId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the universal endpoint", () => {
  it("answers from the first step when it succeeds (cf-aig-step 0), never calling the next", async () => {
    const key = newKey();
    const mockCalls = t.mock.requests.length;
    const { response, step, text } = await universal([groqStep(key), openaiStep()]);
    expect(response.status).toBe(200);
    expect(step).toBe("0");
    expect(JSON.parse(text).model).toBe("llama-3.1-8b-instant");
    expect(flaky.calls.get(key)).toHaveLength(1);
    expect(t.mock.requests.length).toBe(mockCalls);
  });

  it("retries a failing step as its config says, then falls back to the next, logging every attempt", async () => {
    const key = newKey();
    const { response, step } = await universal(
      [groqStep(key, { "x-fail-times": "9" }, { maxAttempts: 2, retryDelay: 20 }), openaiStep()],
      { "cf-aig-event-id": key },
    );
    expect(response.status).toBe(200);
    expect(step).toBe("1");
    expect(flaky.calls.get(key)).toHaveLength(2);
    const rows = await rowsOf(key, 3);
    expect(rows.map((row) => [row.attempt, row.step, row.provider, row.status_code])).toEqual([
      [1, 0, "groq", 503],
      [2, 0, "groq", 503],
      [3, 1, "openai", 200],
    ]);
    expect(new Set(rows.map((row) => row.request_id)).size).toBe(1);
  });

  it("falls through a step that hangs past its requestTimeout", async () => {
    const started = Date.now();
    const { response, step } = await universal([
      openaiStep({ "x-mock-hang": "true" }, { requestTimeout: 150 }),
      openaiStep(),
    ]);
    expect([response.status, step]).toEqual([200, "1"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("answers with the last step's failure when every step fails", async () => {
    const key = newKey();
    const { response, step } = await universal([
      groqStep(key, { "x-fail-times": "9" }),
      openaiStep({ "x-mock-status": "500" }),
      openaiStep({ "x-mock-status": "502" }),
    ]);
    expect([response.status, step]).toEqual([502, "2"]);
  });

  it("takes step headers over request headers (step > request > gateway)", async () => {
    const key = newKey();
    // The request asks for one attempt; the step's own header asks for three.
    const { response, step } = await universal(
      [groqStep(key, { "x-fail-times": "2", "cf-aig-max-attempts": "3" }), openaiStep()],
      { "cf-aig-max-attempts": "1" },
    );
    expect([response.status, step]).toEqual([200, "0"]);
    expect(flaky.calls.get(key)).toHaveLength(3);
    // Without a step header, the request's header applies to the step.
    const other = newKey();
    await universal([groqStep(other, { "x-fail-times": "1" }), openaiStep()], { "cf-aig-max-attempts": "2" });
    expect(flaky.calls.get(other)).toHaveLength(2);
  });

  it.each([
    ["not an array", { provider: "openai" }, "must be a JSON array"],
    ["empty", [], "empty"],
    [
      "more than 10 steps",
      Array.from({ length: 11 }, () => ({ provider: "groq", endpoint: "x", query: {} })),
      "at most 10",
    ],
    ["no provider", [{ endpoint: "chat/completions", query: {} }], 'step 0 is missing "provider"'],
    ["no endpoint", [{ provider: "groq", query: {} }], 'step 0 is missing "endpoint"'],
    ["no query", [{ provider: "groq", endpoint: "chat/completions" }], 'step 0 is missing "query"'],
    [
      "an unknown provider",
      [
        { provider: "groq", endpoint: "x", query: {} },
        { provider: "nope", endpoint: "x", query: {} },
      ],
      'Unknown provider "nope"',
    ],
    [
      "a bad step config",
      [{ provider: "groq", endpoint: "x", query: {}, config: { backoff: "soon" } }],
      "config.backoff",
    ],
    ["invalid JSON", "[{", "not valid JSON"],
  ])("refuses %s with a 400 naming the problem, sending nothing", async (_name, body, message) => {
    const mockCalls = t.mock.requests.length;
    const flakyCalls = [...flaky.calls.values()].flat().length;
    const { response, text } = await universal(body);
    expect(response.status).toBe(400);
    expect((JSON.parse(text) as { error: { message: string } }).error.message).toContain(message);
    expect(t.mock.requests.length).toBe(mockCalls);
    expect([...flaky.calls.values()].flat().length).toBe(flakyCalls);
  });

  it("refuses a bad request-level header before any step, and needs the gateway token", async () => {
    const bad = await universal([openaiStep()], { "cf-aig-backoff": "random" });
    expect(bad.response.status).toBe(400);
    expect(bad.text).toContain("cf-aig-backoff");
    const unauthorised = await universal([openaiStep()], { "cf-aig-authorization": "Bearer wrong" });
    expect(unauthorised.response.status).toBe(401);
  });
});
