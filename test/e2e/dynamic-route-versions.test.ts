import type OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TEXT } from "../mock-upstream/server.ts";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let client: OpenAI;

/**
 * CONFIG_CACHE_TTL_MS=0: the proxy reads the live version on every request, so each call observes the
 * deployment made just before it. In production a deployment is live within CONFIG_CACHE_TTL_MS.
 */
beforeAll(async () => {
  t = await startTestGateway({ CONFIG_CACHE_TTL_MS: "0" });
  client = t.compatClient("unused-the-route-spends-stored-keys");
  for (const [provider_slug, secret] of [
    ["openai", "sk-stored-openai-route-0000"],
    ["anthropic", "sk-ant-stored-route-0000"],
  ]) {
    const stored = await management("POST", "/gateways/default/provider_configs", { provider_slug, secret });
    expect(stored.status).toBe(200);
  }
});

afterAll(async () => {
  await t.stop();
});

async function management<Result = Record<string, unknown>>(method: string, path: string, body?: unknown) {
  const response = await fetch(
    `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}/ai-gateway${path}`,
    {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
  );
  return { status: response.status, body: (await response.json()) as { result: Result } };
}

/** start -> model -> end on one provider and model. */
function graph(provider: string, model: string) {
  return [
    { id: "start", type: "start", outputs: { next: { elementId: "answer" } } },
    {
      id: "answer",
      type: "model",
      properties: { provider, model, timeout: 10_000, retries: 0 },
      outputs: { success: { elementId: "end" } },
    },
    { id: "end", type: "end", outputs: {} },
  ];
}

/** One call of the route with the openai SDK: which provider and model answered, and where it went. */
async function callRoute(name: string) {
  const before = t.mock.requests.length;
  const { data, response } = await client.chat.completions
    .create({ model: `dynamic/${name}`, messages: [{ role: "user", content: "Hi" }] })
    .withResponse();
  expect(data.choices[0]?.message.content).toBe(MOCK_TEXT);
  expect(t.mock.requests.length).toBe(before + 1);
  const sent = t.mock.requests.at(-1);
  return {
    provider: response.headers.get("cf-aig-provider"),
    model: response.headers.get("cf-aig-model"),
    upstreamPath: sent?.path,
    logId: response.headers.get("cf-aig-log-id") ?? "",
  };
}

describe("dynamic route versions and deployments, called through the compat surface", () => {
  it("deploys, calls, deploys a new version, calls, rolls back, calls: each call takes the live version", async () => {
    const created = await management<{ id: string; version: { version_id: string } }>(
      "POST",
      "/gateways/default/routes",
      { name: "assistant", elements: graph("openai", "gpt-4o-mini") },
    );
    expect(created.status).toBe(200);
    const routeId = created.body.result.id;
    const v1 = created.body.result.version.version_id;
    const base = `/gateways/default/routes/${routeId}`;

    // Deploy v1 (a new route has it live already; deploying it again is a deployment like any other).
    expect((await management("POST", `${base}/deployments`, { version_id: v1, comment: "go" })).status).toBe(
      200,
    );
    const first = await callRoute("assistant");
    expect(first).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      upstreamPath: "/v1/chat/completions",
    });
    expect(t.mock.requests.at(-1)?.headers.authorization).toBe("Bearer sk-stored-openai-route-0000");

    // A saved version is not live until deployed.
    const saved = await management<{ version_id: string }>("POST", `${base}/versions`, {
      elements: graph("anthropic", "claude-3-5-haiku-latest"),
      comment: "move to anthropic",
    });
    const v2 = saved.body.result.version_id;
    expect((await callRoute("assistant")).provider).toBe("openai");

    expect((await management("POST", `${base}/deployments`, { version_id: v2 })).status).toBe(200);
    const second = await callRoute("assistant");
    expect(second).toMatchObject({
      provider: "anthropic",
      model: "claude-3-5-haiku-latest",
      upstreamPath: "/v1/messages",
    });
    expect(t.mock.requests.at(-1)?.headers["x-api-key"]).toBe("sk-ant-stored-route-0000");

    expect(
      (await management("POST", `${base}/deployments`, { version_id: v1, comment: "roll back" })).status,
    ).toBe(200);
    const third = await callRoute("assistant");
    expect(third).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      upstreamPath: "/v1/chat/completions",
    });

    // Each request's log names the version that served it.
    const logs = await Promise.all([first, second, third].map((call) => t.waitForLog(call.logId)));
    expect(logs.map((log) => [log.provider, log.route_name, log.route_version_id])).toEqual([
      ["openai", "assistant", v1],
      ["anthropic", "assistant", v2],
      ["openai", "assistant", v1],
    ]);
    const history = await management<{ version_id: string }[]>("GET", `${base}/deployments`);
    expect(history.body.result.map((entry) => entry.version_id)).toEqual([v1, v2, v1, v1]);
  });

  it("stops serving a deleted route, and serves a renamed one under its new name only", async () => {
    const created = await management<{ id: string }>("POST", "/gateways/default/routes", {
      name: "short-lived",
      elements: graph("openai", "gpt-4o"),
    });
    const base = `/gateways/default/routes/${created.body.result.id}`;
    expect((await callRoute("short-lived")).model).toBe("gpt-4o");
    expect((await management("PATCH", base, { name: "renamed" })).status).toBe(200);
    expect((await callRoute("renamed")).model).toBe("gpt-4o");
    await expect(
      client.chat.completions.create({
        model: "dynamic/short-lived",
        messages: [{ role: "user", content: "Hi" }],
      }),
    ).rejects.toMatchObject({ status: 404 });
    expect((await management("DELETE", base)).status).toBe(200);
    await expect(
      client.chat.completions.create({
        model: "dynamic/renamed",
        messages: [{ role: "user", content: "Hi" }],
      }),
    ).rejects.toMatchObject({ status: 404 });
  });
});
