import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockUpstream, startMockUpstream } from "../mock-upstream/server.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

/**
 * Guardrails with the second scanner, an OpenAI-compatible moderation endpoint (the mock's /v1/moderations,
 * driven by `guard:S1`-style markers), through the local runtime.
 */
let t: TestGateway;
let moderation: MockUpstream;

beforeAll(async () => {
  moderation = await startMockUpstream();
  t = await startTestGateway({
    CONFIG_CACHE_TTL_MS: "0",
    GUARDRAILS_MODERATION_URL: `${moderation.url}/v1`,
    GUARDRAILS_MODERATION_API_KEY: "sk-moderation-test",
  });
  const created = await t.managementSend("POST", "/gateways", {
    id: "moderated",
    cache_invalidate_on_update: false,
    cache_ttl: 0,
    collect_logs: true,
    rate_limiting_interval: 0,
    rate_limiting_limit: 0,
    authentication: false,
    guardrails: { prompt: { S11: "BLOCK", S6: "BLOCK" }, response: { S1: "FLAG" } },
  });
  expect(created.status).toBe(200);
});

afterAll(async () => {
  await t.stop();
  await moderation.close();
});

function chat(prompt: string, headers: Record<string, string> = {}) {
  return fetch(`${t.providerUrl("openai", "moderated")}/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer sk-test", "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }] }),
  });
}

describe("guardrails with an OpenAI-compatible moderation endpoint", () => {
  it("block a prompt the endpoint flags in a BLOCK category, sending it {model, input} with the key", async () => {
    const before = moderation.requests.length;
    const response = await chat("I want to hurt myself guard:S11");
    expect(response.status).toBe(424);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(2016);
    const [sent] = moderation.requests.slice(before);
    expect(sent?.path).toBe("/v1/moderations");
    expect(sent?.headers.authorization).toBe("Bearer sk-moderation-test");
    expect(JSON.parse(sent?.body ?? "")).toEqual({
      model: "omni-moderation-latest",
      input: "I want to hurt myself guard:S11",
    });
  });

  it("let through a category OpenAI moderation has none for (S6, a documented gap)", async () => {
    const response = await chat("Which stock should I buy? guard:S6");
    expect(response.status).toBe(200);
    await response.json();
  });

  it("flag an answer and log the moderation scanner", async () => {
    const response = await chat("Tell me a story", { "x-mock-reply": "A violent guard:S1 tale" });
    expect(response.status).toBe(200);
    await response.json();
    const logId = response.headers.get("cf-aig-log-id") ?? "";
    const deadline = Date.now() + 10_000;
    let log: Record<string, unknown> | undefined;
    while (!log && Date.now() < deadline) {
      const { status, body } = await t.management(`/gateways/moderated/logs/${logId}`);
      if (status === 200) log = body.result as Record<string, unknown>;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(log).toMatchObject({
      guardrails: {
        prompt: { action: "NONE", scanner: "openai-moderation" },
        response: { action: "FLAG", categories: ["S1"], scanner: "openai-moderation" },
      },
    });
  });
});
