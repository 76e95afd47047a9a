import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_AWS_ACCESS_KEYS, MOCK_TEXT } from "../mock-upstream/server.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

// Platform models (docs/platform-models.md): Workers AI ids on the OpenAI-format surfaces, served by the
// Bedrock model with the same weights through the gateway's own AWS identity, logged and priced as Bedrock.
let t: TestGateway;
let runToken = "";
const storedBedrock = MOCK_AWS_ACCESS_KEYS[0];

beforeAll(async () => {
  t = await startTestGateway();
  // A stored aws-bedrock key must not be what pays for platform models: the gateway's own identity does.
  await t.storeProviderKey("aws-bedrock", JSON.stringify({ ...storedBedrock, region: "us-east-1" }));
  runToken = await t.createRunToken();
  const created = await t.managementSend("POST", "/gateways", {
    id: "open-gateway",
    authentication: false,
    cache_ttl: 0,
    cache_invalidate_on_update: false,
    collect_logs: true,
    rate_limiting_interval: 0,
    rate_limiting_limit: 0,
  });
  expect(created.status).toBe(200);
});

afterAll(async () => {
  await t.stop();
});

const rest = () => new OpenAI({ apiKey: runToken, baseURL: t.restUrl, maxRetries: 0 });

describe("Workers AI ids (@cf/...) on the REST surface", () => {
  it("serve chat completions from the Bedrock model with the same weights, signed with the gateway's own role", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      rest()
        .chat.completions.create({
          model: "@cf/openai/gpt-oss-120b",
          messages: [{ role: "user", content: "What is Cloudflare?" }],
        })
        .withResponse(),
    );
    expect(result.data.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(sent.path).toBe("/model/openai.gpt-oss-120b-1%3A0/converse");
    expect(sent.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=/);
    expect(sent.headers.authorization).not.toContain(storedBedrock.accessKeyId);
    expect(JSON.stringify(sent.headers)).not.toContain(runToken);
    const log = await t.waitForLog(result.response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "aws-bedrock",
      model: "openai.gpt-oss-120b-1:0",
      requested_model: "@cf/openai/gpt-oss-120b",
      success: true,
      tokens_in: 12,
      tokens_out: 5,
    });
    // Bedrock's price for gpt-oss-120b: $0.15 in, $0.60 out per million tokens.
    expect(log.cost).toBeCloseTo((12 * 0.15 + 5 * 0.6) / 1e6, 12);
  });

  it("streams, and calls models Bedrock serves through inference profiles by the region's profile", async () => {
    const { result: stream, sent } = await t.upstreamOf(() =>
      rest().chat.completions.create({
        model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
      }),
    );
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe(MOCK_TEXT);
    expect(sent.path).toBe("/model/us.meta.llama3-3-70b-instruct-v1%3A0/converse-stream");
  });

  it("serves the Responses API through the Bedrock model", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      rest().responses.create({ model: "@cf/meta/llama-3.1-8b-instruct", input: "Hi" }),
    );
    expect(result.output_text).toBe(MOCK_TEXT);
    expect(sent.path).toBe("/model/meta.llama3-1-8b-instruct-v1%3A0/converse");
  });

  it("refuses a Workers AI id Bedrock does not host with a 400 listing the catalogue, sends nothing, logs it", async () => {
    const before = t.mock.requests.length;
    const response = await fetch(`${t.restUrl}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${runToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "@cf/moonshotai/kimi-k2.6",
        messages: [{ role: "user", content: "Hi" }],
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain('Workers AI model "@cf/moonshotai/kimi-k2.6" is not served here');
    expect(body.error.message).toContain("@cf/moonshotai/kimi-k2.5");
    expect(t.mock.requests.length).toBe(before);
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      success: false,
      status_code: 400,
      requested_model: "@cf/moonshotai/kimi-k2.6",
    });
  });
});

describe("Workers AI ids on the compat surface", () => {
  it("accepts Cloudflare's compat prefix workers-ai/@cf/... on an authenticated gateway", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      t.compatClient("any-key").chat.completions.create({
        model: "workers-ai/@cf/google/gemma-3-12b-it",
        messages: [{ role: "user", content: "Hi" }],
      }),
    );
    expect(result.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(sent.path).toBe("/model/google.gemma-3-12b-it/converse");
    expect(sent.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  });

  it("on a gateway without authentication, spends the gateway's role only for a caller with a run token", async () => {
    const client = (apiKey: string) =>
      new OpenAI({ apiKey, baseURL: t.compatUrl("open-gateway"), maxRetries: 0 });
    const request = { model: "@cf/openai/gpt-oss-20b", messages: [{ role: "user" as const, content: "Hi" }] };
    const before = t.mock.requests.length;
    const refused = await client("sk-anything")
      .chat.completions.create(request)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((refused as InstanceType<typeof OpenAI.AuthenticationError>).message).toContain(
      "run on this gateway's own AWS account",
    );
    expect(t.mock.requests.length).toBe(before);
    const answered = await client(runToken).chat.completions.create(request);
    expect(answered.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(t.mock.requests.at(-1)?.path).toBe("/model/openai.gpt-oss-20b-1%3A0/converse");
  });
});

describe("Workers AI models in the universal endpoint and dynamic routes", () => {
  it("runs a workers-ai step of the universal endpoint on Bedrock, as the fallback of a failing step", async () => {
    const response = await fetch(`${t.gateway.url}/v1/${t.gateway.accountId}/default`, {
      method: "POST",
      headers: { ...t.gatewayAuth, "content-type": "application/json" },
      body: JSON.stringify([
        {
          provider: "openai",
          endpoint: "chat/completions",
          headers: { authorization: "Bearer sk-provider", "x-mock-status": "500" },
          query: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] },
        },
        {
          provider: "workers-ai",
          endpoint: "@cf/meta/llama-3.1-8b-instruct",
          headers: {},
          query: { prompt: "Hi" },
        },
      ]),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cf-aig-step")).toBe("1");
    expect(await response.json()).toMatchObject({ result: { response: MOCK_TEXT }, success: true });
    expect(t.mock.requests.at(-1)?.path).toBe("/model/meta.llama3-1-8b-instruct-v1%3A0/converse");
  });

  it("calls a workers-ai model node of a dynamic route on Bedrock", async () => {
    const created = await t.managementSend("POST", "/gateways/default/routes", {
      name: "platform",
      elements: [
        { id: "start", type: "start", outputs: { next: { elementId: "kimi" } } },
        {
          id: "kimi",
          type: "model",
          properties: { provider: "workers-ai", model: "@cf/moonshotai/kimi-k2.5" },
          outputs: { success: { elementId: "end" }, fallback: { elementId: "end" } },
        },
        { id: "end", type: "end", outputs: {} },
      ],
    });
    expect(created.status).toBe(200);
    const { result, sent } = await t.upstreamOf(() =>
      rest().chat.completions.create({
        model: "dynamic/platform",
        messages: [{ role: "user", content: "Hi" }],
      }),
    );
    expect(result.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(sent.path).toBe("/model/moonshotai.kimi-k2.5/converse");
  });
});

describe("model lists (GET .../ai/v1/models and .../compat/models)", () => {
  it("lists the platform catalogue and the priced models in OpenAI's format, marked with stored keys", async () => {
    const models = [];
    for await (const model of rest().models.list()) models.push(model);
    const byId = new Map(models.map((model) => [model.id, model as unknown as Record<string, unknown>]));
    expect(byId.get("@cf/openai/gpt-oss-120b")).toEqual({
      id: "@cf/openai/gpt-oss-120b",
      object: "model",
      created: 0,
      owned_by: "openai",
      provider: "workers-ai",
      key_required: false,
      key_stored: false,
    });
    expect(byId.get("aws-bedrock/nova-lite")).toMatchObject({ key_stored: true, key_required: false });
    expect(byId.get("openai/gpt-4o-mini")).toMatchObject({
      owned_by: "openai",
      key_required: true,
      key_stored: false,
    });
    expect(models.findIndex((model) => model.id.startsWith("@cf/"))).toBe(0);
  });

  it("answers the compat surface's list with the gateway's access rule", async () => {
    const listed = await t.compatClient().models.list();
    expect(listed.data.map((model) => model.id)).toContain("@cf/moonshotai/kimi-k2.5");
    const refused = await fetch(`${t.compatUrl()}/models`);
    expect(refused.status).toBe(401);
    const restRefused = await fetch(`${t.restUrl}/models`);
    expect(restRefused.status).toBe(401);
  });
});

describe("platform models and the response cache", () => {
  it("answers the same /ai/run request from the cache the second time, logged as a hit of the Workers AI id", async () => {
    const url = `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}/ai/run/@cf/openai/gpt-oss-20b`;
    const send = () =>
      fetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${runToken}`,
          "content-type": "application/json",
          "cf-aig-cache-ttl": "120",
        },
        body: JSON.stringify({ prompt: "Cache me" }),
      });
    const first = await send();
    const firstBody = await first.json();
    const before = t.mock.requests.length;
    const second = await send();
    expect(second.headers.get("cf-aig-cache-status")).toBe("HIT");
    expect(await second.json()).toEqual(firstBody);
    expect(t.mock.requests.length).toBe(before);
    const log = await t.waitForLog(second.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ cached: true, cost: 0, requested_model: "@cf/openai/gpt-oss-20b" });
  });
});
