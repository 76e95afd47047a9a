import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFlakyUpstream } from "../support/flaky-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let flaky: Awaited<ReturnType<typeof startFlakyUpstream>>;

beforeAll(async () => {
  flaky = await startFlakyUpstream();
  // Port 1 on loopback has no listener: a connection to "mistral" is refused at once.
  t = await startTestGateway({
    UPSTREAM_GROQ_URL: `${flaky.url}/openai/v1`,
    UPSTREAM_MISTRAL_URL: "http://127.0.0.1:1",
  });
});

afterAll(async () => {
  await t.stop();
  await new Promise((resolve) => flaky.server.close(resolve));
});

let keys = 0;
async function groq(headers: Record<string, string>) {
  const key = `k${++keys}-${Date.now()}`;
  const response = await fetch(`${t.providerUrl("groq")}/chat/completions`, {
    method: "POST",
    headers: {
      ...t.gatewayAuth,
      authorization: "Bearer gsk-test",
      "content-type": "application/json",
      "x-test-key": key,
      "cf-aig-event-id": key,
      ...headers,
    },
    body: JSON.stringify({ model: "llama-3.1-8b-instant", messages: [{ role: "user", content: "hi" }] }),
  });
  const text = await response.text();
  return { response, text, key, calls: () => flaky.calls.get(key) ?? [] };
}

/** Every log row of one request (they share its event id), oldest attempt first. */
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

const gaps = (times: number[]) => times.slice(1).map((time, index) => time - (times[index] ?? 0));

describe("retries on a provider-native route", () => {
  it("retries a provider failing twice, with linear backoff, and logs every attempt", async () => {
    const { response, calls, key } = await groq({
      "x-fail-times": "2",
      "cf-aig-max-attempts": "3",
      "cf-aig-retry-delay": "50",
      "cf-aig-backoff": "linear",
    });
    expect(response.status).toBe(200);
    expect(calls()).toHaveLength(3);
    const [first = 0, second = 0] = gaps(calls());
    expect(first).toBeGreaterThanOrEqual(45);
    expect(second).toBeGreaterThanOrEqual(95);

    const rows = await rowsOf(key, 3);
    expect(rows.map((row) => [row.attempt, row.status_code, row.provider])).toEqual([
      [1, 503, "groq"],
      [2, 503, "groq"],
      [3, 200, "groq"],
    ]);
    // The answering attempt is the log the client was told about; all rows share one request_id.
    expect(rows[2]?.id).toBe(response.headers.get("cf-aig-log-id"));
    expect(new Set(rows.map((row) => row.request_id)).size).toBe(1);
    for (const row of rows) expect(typeof row.duration).toBe("number");
  });

  it("exponential backoff doubles the wait", async () => {
    const { calls } = await groq({
      "x-fail-times": "3",
      "cf-aig-max-attempts": "4",
      "cf-aig-retry-delay": "40",
      "cf-aig-backoff": "exponential",
    });
    expect(calls()).toHaveLength(4);
    const [a = 0, b = 0, c = 0] = gaps(calls());
    expect([a >= 35, b >= 75, c >= 155]).toEqual([true, true, true]);
  });

  it("honours a 429's retry-after over a shorter delay", async () => {
    const { response, calls } = await groq({
      "x-fail-times": "1",
      "x-fail-status": "429",
      "x-retry-after": "1",
      "cf-aig-max-attempts": "2",
      "cf-aig-retry-delay": "0",
    });
    expect(response.status).toBe(200);
    expect(gaps(calls())[0]).toBeGreaterThanOrEqual(950);
  });

  it("passes the last failure on when the attempts run out, and does not retry a 4xx", async () => {
    const out = await groq({ "x-fail-times": "9", "cf-aig-max-attempts": "2" });
    expect([out.response.status, out.calls().length]).toEqual([503, 2]);
    const rows = await rowsOf(out.key, 2);
    expect(rows.map((row) => [row.attempt, row.status_code])).toEqual([
      [1, 503],
      [2, 503],
    ]);
    const clientError = await groq({
      "x-fail-times": "9",
      "x-fail-status": "400",
      "cf-aig-max-attempts": "5",
    });
    expect([clientError.response.status, clientError.calls().length]).toEqual([400, 1]);
  });

  it.each([
    ["cf-aig-max-attempts", "6"],
    ["cf-aig-retry-delay", "9999"],
    ["cf-aig-backoff", "random"],
  ])("refuses %s: %s with a 400 naming it, sending nothing", async (name, value) => {
    const { response, text, calls } = await groq({ [name]: value });
    expect(response.status).toBe(400);
    expect(text).toContain(name);
    expect(calls()).toHaveLength(0);
  });

  it("retries a provider that hangs past cf-aig-request-timeout, then answers 504", async () => {
    const started = Date.now();
    const response = await fetch(`${t.providerUrl("openai")}/chat/completions`, {
      method: "POST",
      headers: {
        ...t.gatewayAuth,
        authorization: "Bearer sk-test",
        "content-type": "application/json",
        "x-mock-hang": "true",
        "cf-aig-request-timeout": "150",
        "cf-aig-max-attempts": "2",
      },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [] }),
    });
    expect(response.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe("a stream the provider cuts after the first byte", () => {
  it("ends an OpenAI stream with a data: error event, not a hang, and logs the partial response", async () => {
    const response = await fetch(`${t.providerUrl("openai")}/chat/completions`, {
      method: "POST",
      headers: {
        ...t.gatewayAuth,
        authorization: "Bearer sk-test",
        "content-type": "application/json",
        "x-mock-cut-after": "2",
        "cf-aig-max-attempts": "3",
      },
      body: JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [] }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const events = text.trim().split("\n\n");
    expect(events.length).toBeGreaterThan(1);
    const last = events.at(-1) ?? "";
    expect(JSON.parse(last.replace(/^data: /, ""))).toMatchObject({ error: { type: "api_error" } });
    // Never retried once the stream had started.
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ attempt: 1, success: false, error: { code: 7009 } });
    expect(Number(log.response_size)).toBeGreaterThan(0);
  });

  it("ends an Anthropic stream with event: error", async () => {
    const response = await fetch(`${t.providerUrl("anthropic")}/v1/messages`, {
      method: "POST",
      headers: {
        ...t.gatewayAuth,
        "x-api-key": "sk-ant-test",
        "anthropic-version": "2023-06-01",
        "content-type": "application/json",
        "x-mock-cut-after": "2",
      },
      body: JSON.stringify({ model: "claude-3-5-haiku-latest", max_tokens: 10, stream: true, messages: [] }),
    });
    const last = (await response.text()).trim().split("\n\n").at(-1) ?? "";
    expect(last.split("\n")[0]).toBe("event: error");
    expect(last).toContain('"type":"error"');
  });
});

describe("a provider that cannot be reached", () => {
  it("retries the connection error and logs each attempt, the last one numbered too", async () => {
    const key = `down-${Date.now()}`;
    const response = await fetch(`${t.providerUrl("mistral")}/v1/chat/completions`, {
      method: "POST",
      headers: {
        ...t.gatewayAuth,
        authorization: "Bearer m-test",
        "content-type": "application/json",
        "cf-aig-event-id": key,
        "cf-aig-max-attempts": "3",
        "cf-aig-retry-delay": "10",
      },
      body: JSON.stringify({ model: "mistral-small", messages: [] }),
    });
    expect(response.status).toBe(502);
    const rows = await rowsOf(key, 3);
    expect(rows.map((row) => [row.attempt, row.status_code])).toEqual([
      [1, 502],
      [2, 502],
      [3, 502],
    ]);
  });
});
