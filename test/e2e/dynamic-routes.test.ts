import type { Server } from "node:http";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TEXT } from "../mock-upstream/server.ts";
import { startFlakyUpstream } from "../support/flaky-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let flaky: { server: Server; url: string; calls: Map<string, number[]> };
let runToken = "";

/** Creates a route on the default gateway; the first version is deployed at once. */
async function createRoute(name: string, elements: unknown[]) {
  const created = await t.managementSend("POST", "/gateways/default/routes", { name, elements });
  expect(created.status).toBe(200);
  return created.body.result;
}

const to = (elementId: string) => ({ elementId });
const model = (id: string, provider: string, name: string, outputs: Record<string, string>, extra = {}) => ({
  id,
  type: "model",
  properties: { provider, model: name, ...extra },
  outputs: Object.fromEntries(Object.entries(outputs).map(([output, target]) => [output, to(target)])),
});
const end = { id: "end", type: "end", outputs: {} };

beforeAll(async () => {
  flaky = await startFlakyUpstream();
  t = await startTestGateway({ UPSTREAM_GROQ_URL: flaky.url });
  await t.storeProviderKey("openai", "sk-stored-openai-0123456789abcdef");
  await t.storeProviderKey("anthropic", "sk-ant-stored-0123456789abcdef");
  await t.storeProviderKey("groq", "gsk-stored-groq-0123456789abcdef");
  runToken = await t.createRunToken();
});

afterAll(async () => {
  await t?.stop();
  await new Promise((resolve) => flaky?.server.close(resolve));
});

const compatUrl = () => `${t.gateway.url}/v1/${t.gateway.accountId}/default/compat/chat/completions`;
const restBase = () => t.restUrl;

function compat(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(compatUrl(), {
    method: "POST",
    headers: { ...t.gatewayAuth, "content-type": "application/json", ...headers },
    body: JSON.stringify({ messages: [{ role: "user", content: "Hi" }], ...body }),
  });
}

/** The log rows of one event id, by attempt, once `count` of them are stored. */
async function rowsOfEvent(eventId: string, count: number): Promise<Record<string, unknown>[]> {
  const filters = encodeURIComponent(JSON.stringify([{ key: "event_id", operator: "eq", value: [eventId] }]));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { body } = await t.managementSend("GET", `/gateways/default/logs?filters=${filters}`);
    const rows = body.result as unknown as Record<string, unknown>[];
    if (rows.length >= count || Date.now() > deadline) {
      return rows.sort((a, b) => Number(a.attempt) - Number(b.attempt));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const metadata = (entries: Record<string, string | number>) => ({
  "cf-aig-metadata": JSON.stringify(entries),
});

describe("dynamic routes on /compat/chat/completions", () => {
  beforeAll(async () => {
    await createRoute("by-plan", [
      { id: "start", type: "start", outputs: { next: to("plan") } },
      {
        id: "plan",
        type: "conditional",
        properties: { condition: { "metadata.plan": { $eq: "free" } } },
        outputs: { true: to("cheap"), false: to("long") },
      },
      {
        id: "long",
        type: "conditional",
        properties: { condition: { "body.max_tokens": { $gte: 1000 } } },
        outputs: { true: to("claude"), false: to("big") },
      },
      model("cheap", "openai", "gpt-4o-mini", { success: "end" }),
      model("big", "openai", "gpt-4o", { success: "end" }),
      model("claude", "anthropic", "claude-3-5-haiku", { success: "end" }),
      end,
    ]);
  });

  it("routes on metadata: a free plan goes to the cheap model, with cf-aig-model and cf-aig-provider", async () => {
    const response = await compat({ model: "dynamic/by-plan" }, metadata({ plan: "free" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("cf-aig-provider")).toBe("openai");
    expect(response.headers.get("cf-aig-model")).toBe("gpt-4o-mini");
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe(MOCK_TEXT);
    const sent = t.mock.requests.at(-1);
    expect(JSON.parse(String(sent?.body))).toMatchObject({ model: "gpt-4o-mini" });
    // A route uses the gateway's stored keys, never what the caller sent.
    expect(sent?.headers.authorization).toBe("Bearer sk-stored-openai-0123456789abcdef");
  });

  it("routes on the body: a long answer goes to Anthropic, translated back to the OpenAI shape", async () => {
    const response = await compat({ model: "dynamic/by-plan", max_tokens: 2000 }, metadata({ plan: "pro" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("cf-aig-provider")).toBe("anthropic");
    expect(response.headers.get("cf-aig-model")).toBe("claude-3-5-haiku");
    expect(t.mock.requests.at(-1)?.path).toBe("/v1/messages");
    const short = await compat({ model: "dynamic/by-plan", max_tokens: 10 }, metadata({ plan: "pro" }));
    expect(short.headers.get("cf-aig-model")).toBe("gpt-4o");
  });

  it("logs the model and provider used, the route name, version and element", async () => {
    const response = await compat({ model: "dynamic/by-plan" }, metadata({ plan: "free" }));
    await response.text();
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    const route = await t.managementSend("GET", "/gateways/default/routes");
    const routes = route.body.result as unknown as { name: string; version: { version_id: string } }[];
    const versionId = routes.find((candidate) => candidate.name === "by-plan")?.version.version_id;
    expect(log).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      success: true,
      route_name: "by-plan",
      route_version_id: versionId,
      route_element_id: "cheap",
      metadata: { plan: "free" },
    });
  });

  it("streams through a route, chunk by chunk", async () => {
    const response = await compat({ model: "dynamic/by-plan", stream: true }, metadata({ plan: "free" }));
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const text = await response.text();
    expect(text).toContain('"content":"Hello"');
    expect(text.trim().endsWith("data: [DONE]")).toBe(true);
  });

  it("refuses an unknown route with a 404 naming it, and logs the failure", async () => {
    const response = await compat({ model: "dynamic/no-such-route" });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/No deployed route "no-such-route"/);
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ status_code: 404, success: false });
  });
});

describe("fallback on a failing model", () => {
  beforeAll(async () => {
    await createRoute("with-fallback", [
      { id: "start", type: "start", outputs: { next: to("fast") } },
      model("fast", "groq", "llama-3.1-8b-instant", { success: "end", fallback: "backup" }, { retries: 1 }),
      model("backup", "openai", "gpt-4o-mini", { success: "end" }),
      end,
    ]);
  });

  it("retries the model its retries, then falls back; every attempt is a row", async () => {
    const response = await compat(
      { model: "dynamic/with-fallback" },
      { "x-test-key": "route-fallback", "x-fail-times": "10", "cf-aig-event-id": "route-fallback-event" },
    );
    expect(response.status).toBe(200);
    expect(flaky.calls.get("route-fallback")).toHaveLength(2);
    expect(response.headers.get("cf-aig-provider")).toBe("openai");
    expect(response.headers.get("cf-aig-model")).toBe("gpt-4o-mini");
    await response.text();
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ provider: "openai", attempt: 3, route_element_id: "backup", success: true });
    const rows = await rowsOfEvent("route-fallback-event", 3);
    expect(rows.map((row) => [row.attempt, row.provider, row.route_element_id, row.success])).toEqual([
      [1, "groq", "fast", false],
      [2, "groq", "fast", false],
      [3, "openai", "backup", true],
    ]);
    expect(new Set(rows.map((row) => row.request_id)).size).toBe(1);
  });

  it("falls back when a model sends no response head within its timeout", async () => {
    await createRoute("with-timeout", [
      { id: "start", type: "start", outputs: { next: to("slow") } },
      model("slow", "openai", "gpt-4o-mini", { success: "end", fallback: "quick" }, { timeout: 200 }),
      model("quick", "groq", "llama-3.1-8b-instant", { success: "end" }),
      end,
    ]);
    // The mock OpenAI waits 3 s before answering; the flaky groq upstream ignores the delay header.
    const response = await compat(
      { model: "dynamic/with-timeout" },
      { "x-mock-delay-ms": "3000", "x-test-key": "route-timeout" },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("cf-aig-provider")).toBe("groq");
    expect(flaky.calls.get("route-timeout")).toHaveLength(1);
  });

  it("answers from the first model when it recovers within its retries", async () => {
    const response = await compat(
      { model: "dynamic/with-fallback" },
      { "x-test-key": "route-recover", "x-fail-times": "1" },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("cf-aig-provider")).toBe("groq");
    expect(flaky.calls.get("route-recover")).toHaveLength(2);
  });

  it("counts a model that fails before reaching a provider as one attempt, then falls back", async () => {
    await createRoute("refusing-first", [
      { id: "start", type: "start", outputs: { next: to("refusing") } },
      // Gemini refuses `seed`: the node fails in translation, before any request is sent.
      model("refusing", "google-ai-studio", "gemini-2.5-flash", { success: "end", fallback: "backup" }),
      model("backup", "openai", "gpt-4o-mini", { success: "end" }),
      end,
    ]);
    const response = await compat(
      { model: "dynamic/refusing-first", seed: 1 },
      { "cf-aig-event-id": "route-refusing-event" },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("cf-aig-provider")).toBe("openai");
    await response.text();
    const rows = await rowsOfEvent("route-refusing-event", 2);
    expect(rows.map((row) => [row.attempt, row.route_element_id, row.success])).toEqual([
      [1, "refusing", false],
      [2, "backup", true],
    ]);
    expect(rows[0]?.status_code).toBe(400);
    expect(rows.map((row) => row.route_name)).toEqual(["refusing-first", "refusing-first"]);
  });

  it("ends with the last model's error in the caller's shape when every model failed", async () => {
    await createRoute("no-backup", [
      { id: "start", type: "start", outputs: { next: to("only") } },
      model("only", "groq", "llama-3.1-8b-instant", { success: "end" }),
      end,
    ]);
    const response = await compat(
      { model: "dynamic/no-backup" },
      { "x-test-key": "route-dead", "x-fail-times": "10" },
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("cf-aig-provider")).toBe("groq");
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toBeTruthy();
  });
});

describe("budget and rate-limit nodes", () => {
  it("diverts to the fallback once the route's budget is spent", async () => {
    await createRoute("budgeted", [
      { id: "start", type: "start", outputs: { next: to("budget") } },
      {
        id: "budget",
        type: "budget",
        // Far below the cost of one mock answer: the first request spends it all.
        properties: { limit: 0.000001, interval: 3600 },
        outputs: { success: to("premium"), fallback: to("cheap") },
      },
      model("premium", "openai", "gpt-4o", { success: "end" }),
      model("cheap", "openai", "gpt-4o-mini", { success: "end" }),
      end,
    ]);
    const first = await compat({ model: "dynamic/budgeted" });
    expect(first.headers.get("cf-aig-model")).toBe("gpt-4o");
    await first.text();
    const log = await t.waitForLog(first.headers.get("cf-aig-log-id") ?? "");
    expect(log.cost).toBeGreaterThan(0.000001);
    const second = await compat({ model: "dynamic/budgeted" });
    expect(second.status).toBe(200);
    expect(second.headers.get("cf-aig-model")).toBe("gpt-4o-mini");
  });

  it("ends with 429 and code 2041 when a spent budget has no fallback", async () => {
    await createRoute("budget-only", [
      { id: "start", type: "start", outputs: { next: to("budget") } },
      { id: "budget", type: "budget", properties: { limit: 0, interval: 60 }, outputs: { success: to("m") } },
      model("m", "openai", "gpt-4o-mini", { success: "end" }),
      end,
    ]);
    const response = await compat({ model: "dynamic/budget-only" });
    expect(response.status).toBe(429);
    const body = (await response.json()) as { internalCode: number; error: { message: string } };
    expect(body.internalCode).toBe(2041);
    expect(body.error.message).toMatch(/route budget "budget"/);
  });

  it("keeps a separate counter per metadata.user_id", async () => {
    await createRoute("per-user", [
      { id: "start", type: "start", outputs: { next: to("limit") } },
      {
        id: "limit",
        type: "rate_limit",
        properties: {
          limitType: "count",
          key: "metadata.user_id",
          limit: 2,
          interval: 600,
          technique: "sliding",
        },
        outputs: { success: to("m") },
      },
      model("m", "openai", "gpt-4o-mini", { success: "end" }),
      end,
    ]);
    const call = (user: string) => compat({ model: "dynamic/per-user" }, metadata({ user_id: user }));
    const alice = await Promise.all([call("alice"), call("alice"), call("alice")]);
    expect(alice.map((response) => response.status).sort()).toEqual([200, 200, 429]);
    const refused = alice.find((response) => response.status === 429);
    expect(((await refused?.json()) as { internalCode?: number } | undefined)?.internalCode).toBe(2003);
    expect((await call("bob")).status).toBe(200);
  });
});

describe("dynamic routes on the REST surface", () => {
  it("runs a route on /ai/v1/chat/completions with the OpenAI SDK", async () => {
    const client = new OpenAI({ apiKey: runToken, baseURL: restBase(), maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create(
        { model: "dynamic/by-plan", messages: [{ role: "user", content: "Hi" }] },
        { headers: metadata({ plan: "free" }) },
      )
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(response.headers.get("cf-aig-model")).toBe("gpt-4o-mini");
  });

  it("runs a route on /ai/v1/messages, answering in Anthropic's shape from an OpenAI model", async () => {
    const response = await fetch(`${restBase()}/messages`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${runToken}`,
        "content-type": "application/json",
        ...metadata({ plan: "free" }),
      },
      body: JSON.stringify({
        model: "dynamic/by-plan",
        max_tokens: 10,
        messages: [{ role: "user", content: "Hi" }],
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cf-aig-model")).toBe("gpt-4o-mini");
    expect(await response.json()).toMatchObject({
      type: "message",
      content: [{ type: "text", text: MOCK_TEXT }],
    });
  });

  it("answers an unknown route on /ai/v1/messages with a 404 in Anthropic's shape", async () => {
    const response = await fetch(`${restBase()}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${runToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "dynamic/missing",
        max_tokens: 10,
        messages: [{ role: "user", content: "Hi" }],
      }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
  });
});

describe("retries on ordinary unified requests", () => {
  it("retries a failing provider as cf-aig-max-attempts says", async () => {
    const response = await compat(
      { model: "groq/llama-3.1-8b-instant" },
      { "x-test-key": "unified-retry", "x-fail-times": "2", "cf-aig-max-attempts": "3" },
    );
    expect(response.status).toBe(200);
    expect(flaky.calls.get("unified-retry")).toHaveLength(3);
    await response.text();
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ attempt: 3, success: true });
  });

  it("does not retry without a retry setting, and refuses a bad retry header", async () => {
    const once = await compat(
      { model: "groq/llama-3.1-8b-instant" },
      { "x-test-key": "unified-once", "x-fail-times": "2" },
    );
    expect(once.status).toBe(503);
    expect(flaky.calls.get("unified-once")).toHaveLength(1);
    const bad = await compat({ model: "groq/llama-3.1-8b-instant" }, { "cf-aig-max-attempts": "9" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /cf-aig-max-attempts/,
    );
  });
});
