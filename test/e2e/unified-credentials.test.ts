import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TEXT, type MockUpstream, startMockUpstream } from "../mock-upstream/server.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

/**
 * Issue 19, section 2: which provider credential the unified surfaces (compat and REST) use, and what a
 * caller hears when there is none. The custom provider is served over TLS by a second mock whose
 * certificate the test processes trust (vitest.config.ts sets NODE_EXTRA_CA_CERTS to it).
 */
const tlsFixture = (name: string) =>
  readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), "utf8");

let t: TestGateway;
let custom: MockUpstream;
let runToken = "";
const BEDROCK_REGION = "eu-west-3";

beforeAll(async () => {
  custom = await startMockUpstream({
    tls: { cert: tlsFixture("localhost-test.cert.pem"), key: tlsFixture("localhost-test.key.pem") },
  });
  t = await startTestGateway({ CONFIG_CACHE_TTL_MS: "0" });
  runToken = await t.createRunToken();
  await t.storeProviderKey(
    "aws-bedrock",
    JSON.stringify({
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      secretAccessKey: "stored-secret",
      region: BEDROCK_REGION,
    }),
  );
  const created = await t.managementSend("POST", "/custom-providers", {
    name: "Acme models",
    slug: "acme",
    base_url: `${custom.url}/v1`,
    enable: true,
  });
  expect(created.status).toBe(200);
  await t.storeProviderKey("custom-acme", "sk-acme-stored-0123456789");
});

afterAll(async () => {
  await t?.stop();
  await custom?.close();
});

const chatBody = (model: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model, messages: [{ role: "user", content: "Hi" }], ...extra });

function rest(model: string, extra: Record<string, unknown> = {}) {
  return fetch(`${t.restUrl}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${runToken}`, "content-type": "application/json" },
    body: chatBody(model, extra),
  });
}

function compat(model: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return fetch(`${t.compatUrl()}/chat/completions`, {
    method: "POST",
    headers: { ...t.gatewayAuth, "content-type": "application/json", ...headers },
    body: chatBody(model, extra),
  });
}

describe("a REST call whose provider has no credential", () => {
  it("is refused with 401 code 2009 before anything is sent upstream, naming the provider and the fixes", async () => {
    const before = t.mock.requests.length;
    const response = await rest("anthropic/claude-sonnet-4-5");
    const answer = (await response.json()) as { error: { message: string; code: number } };
    expect(response.status).toBe(401);
    expect(answer.error.code).toBe(2009);
    expect(answer.error.message).toContain('"anthropic"');
    expect(answer.error.message).toContain("provider_configs");
    expect(answer.error.message).toContain("/compat/");
    expect(t.mock.requests.length).toBe(before);
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ success: false, status_code: 401, provider: "anthropic" });
  });
});

describe("a stored Bedrock key's region", () => {
  it.each([
    ["REST", () => rest("aws-bedrock/amazon.nova-lite-v1:0")],
    ["compat", () => compat("aws-bedrock/amazon.nova-lite-v1:0")],
  ])("signs for and calls the stored region on %s", async (_surface, call) => {
    const { result, sent } = await t.upstreamOf(call);
    expect(result.status).toBe(200);
    expect(sent.headers.authorization).toContain(`/${BEDROCK_REGION}/bedrock/aws4_request`);
    const log = await t.waitForLog(result.headers.get("cf-aig-log-id") ?? "");
    expect(String(log.path ?? "")).not.toContain("us-east-1");
  });
});

describe("custom providers on the unified surfaces", () => {
  it("answers a compat request for custom-acme/{model} with the provider's answer and its stored key", async () => {
    const response = await compat("custom-acme/acme-large");
    const answer = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(response.status).toBe(200);
    expect(answer.choices[0]?.message.content).toBe(MOCK_TEXT);
    const sent = custom.requests.at(-1);
    expect(sent?.path).toBe("/v1/chat/completions");
    expect(JSON.parse(sent?.body ?? "{}")).toMatchObject({ model: "acme-large" });
    expect(sent?.headers.authorization).toBe("Bearer sk-acme-stored-0123456789");
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ provider: "custom-acme", model: "acme-large", success: true });
  });

  it("answers a REST request for custom-acme/{model}, streamed", async () => {
    const response = await rest("custom-acme/acme-large", { stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    expect(text).toContain("data: [DONE]");
    expect(custom.requests.at(-1)?.path).toBe("/v1/chat/completions");
  });

  it("reaches custom-acme as a universal endpoint step", async () => {
    const response = await fetch(`${t.gateway.url}/v1/${t.gateway.accountId}/default`, {
      method: "POST",
      headers: { ...t.gatewayAuth, "content-type": "application/json" },
      body: JSON.stringify([
        {
          provider: "custom-acme",
          endpoint: "chat/completions",
          headers: {},
          query: { model: "acme-large", messages: [{ role: "user", content: "Hi" }] },
        },
      ]),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(custom.requests.at(-1)?.path).toBe("/v1/chat/completions");
  });

  it("serves a dynamic route whose model node names custom-acme", async () => {
    const created = await t.managementSend("POST", "/gateways/default/routes", {
      name: "to-acme",
      elements: [
        { id: "start", type: "start", outputs: { next: { elementId: "acme" } } },
        {
          id: "acme",
          type: "model",
          properties: { provider: "custom-acme", model: "acme-small" },
          outputs: { success: { elementId: "end" }, fallback: { elementId: "end" } },
        },
        { id: "end", type: "end", outputs: {} },
      ],
    });
    expect(created.status).toBe(200);
    const response = await compat("dynamic/to-acme");
    expect(response.status).toBe(200);
    expect(JSON.parse(custom.requests.at(-1)?.body ?? "{}")).toMatchObject({ model: "acme-small" });
  });

  it("refuses a custom provider that does not exist with 400, naming it", async () => {
    const response = await compat("custom-nobody/m");
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      "custom-nobody",
    );
  });
});

describe('response_format {"type": "json_object"} on the OpenAI-format surfaces', () => {
  beforeAll(async () => {
    await t.storeProviderKey("anthropic", "sk-ant-stored-0123456789abcdef");
  });

  it.each([
    ["anthropic/claude-sonnet-4-5", "system"],
    ["aws-bedrock/amazon.nova-lite-v1:0", "system"],
  ])("is accepted for %s and asks the model for one JSON object", async (model, field) => {
    const { result, sent } = await t.upstreamOf(() =>
      rest(model, { response_format: { type: "json_object" } }),
    );
    expect(result.status).toBe(200);
    const body = JSON.parse(sent.body) as Record<string, unknown>;
    expect(JSON.stringify(body[field])).toMatch(/JSON object/);
  });
});
