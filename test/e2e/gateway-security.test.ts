import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway({
    // 127.0.0.2 is loopback but not in the local runtime's trusted hosts: the SSRF guard must refuse it.
    UPSTREAM_MISTRAL_URL: "http://127.0.0.2:9",
    TOKEN_CACHE_TTL_MS: "300",
    CONFIG_CACHE_TTL_MS: "0",
  });
});

afterAll(async () => {
  await t.stop();
});

/** A management call with the admin token (the test gateway's), its result typed for these tests. */
async function manage(method: string, path: string, body?: unknown) {
  const answer = await t.managementSend(method, path, body);
  return { status: answer.status, body: answer.body as unknown as { result: Record<string, unknown> } };
}

function chat(provider: string, headers: Record<string, string>, gatewayId = "default") {
  return fetch(`${t.providerUrl(provider, gatewayId)}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
  });
}

describe("authenticated gateways", () => {
  it("let an API token with the run scope through, and stop it once revoked (within the cache bound)", async () => {
    await manage("POST", "/gateways", {
      id: "locked",
      authentication: true,
      cache_ttl: 0,
      cache_invalidate_on_update: false,
      collect_logs: true,
      rate_limiting_interval: 0,
      rate_limiting_limit: 0,
    });
    const created = await manage("POST", "/tokens", { name: "app", scopes: ["run"] });
    expect(created.status).toBe(200);
    const token = String(created.body.result.value);
    const auth = { "cf-aig-authorization": `Bearer ${token}`, authorization: "Bearer sk-test" };

    expect((await chat("openai", auth, "locked")).status).toBe(200);
    expect((await chat("openai", { authorization: "Bearer sk-test" }, "locked")).status).toBe(401);

    await manage("DELETE", `/tokens/${created.body.result.id}`);
    // TOKEN_CACHE_TTL_MS is 300 ms here: past it, the revoked token is refused everywhere.
    await new Promise((resolve) => setTimeout(resolve, 350));
    const refused = await chat("openai", auth, "locked");
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ internalCode: 2009 });
  });

  it("refuses an API token without the run scope", async () => {
    const created = await manage("POST", "/tokens", { name: "reader", scopes: ["read"] });
    const response = await chat(
      "openai",
      { "cf-aig-authorization": `Bearer ${created.body.result.value}` },
      "locked",
    );
    expect(response.status).toBe(401);
  });
});

describe("stored provider keys (BYOK)", () => {
  it("uses the stored key when the request brings none, and never shows it", async () => {
    const stored = await manage("POST", "/gateways/default/provider_configs", {
      provider_slug: "openai",
      secret: "sk-stored-openai-secret-123",
    });
    expect(stored.status).toBe(200);
    expect(JSON.stringify(stored.body)).not.toContain("sk-stored-openai-secret-123");

    const response = await chat("openai", t.gatewayAuth);
    expect(response.status).toBe(200);
    expect(t.mock.requests.at(-1)?.headers.authorization).toBe("Bearer sk-stored-openai-secret-123");
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(JSON.stringify(log)).not.toContain("sk-stored-openai-secret-123");
  });

  it("lets the client's own key win when it names no alias", async () => {
    await chat("openai", { ...t.gatewayAuth, authorization: "Bearer sk-client" });
    expect(t.mock.requests.at(-1)?.headers.authorization).toBe("Bearer sk-client");
  });

  it("uses the key a cf-aig-byok-alias names, over the client's own", async () => {
    await manage("POST", "/gateways/default/provider_configs", {
      provider_slug: "openai",
      alias: "team-b",
      secret: "sk-team-b-secret-456",
    });
    const response = await chat("openai", {
      ...t.gatewayAuth,
      authorization: "Bearer sk-client",
      "cf-aig-byok-alias": "team-b",
    });
    expect(response.status).toBe(200);
    expect(t.mock.requests.at(-1)?.headers.authorization).toBe("Bearer sk-team-b-secret-456");
  });

  it("answers an unknown alias with 400, code 2040, listing the aliases", async () => {
    const response = await chat("openai", { ...t.gatewayAuth, "cf-aig-byok-alias": "nope" });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { internalCode: number; message: string };
    expect(body.internalCode).toBe(2040);
    expect(body.message).toBe(
      "Provider 'openai' has no BYOK credential named 'nope'. Configured aliases: default, team-b",
    );
  });

  it("signs a Bedrock request with a stored access key pair", async () => {
    await manage("POST", "/gateways/default/provider_configs", {
      provider_slug: "aws-bedrock",
      secret: JSON.stringify({
        accessKeyId: "AKIASTOREDKEY",
        secretAccessKey: "stored-secret",
        region: "us-east-1",
      }),
    });
    const response = await fetch(
      `${t.providerUrl("aws-bedrock")}/bedrock-runtime/us-east-1/model/amazon.nova-lite-v1%3A0/converse`,
      {
        method: "POST",
        headers: { ...t.gatewayAuth, "content-type": "application/json" },
        body: JSON.stringify({ messages: [{ role: "user", content: [{ text: "Hi" }] }] }),
      },
    );
    expect(response.status).toBe(200);
    const sent = t.mock.requests.at(-1)?.headers ?? {};
    expect(sent.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIASTOREDKEY\/\d{8}\/us-east-1\/bedrock\/aws4_request/,
    );
    expect(sent["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
  });
});

describe("Bedrock with no key at all", () => {
  it("is signed with the function's own AWS identity (the Lambda role on AWS)", async () => {
    const response = await fetch(
      `${t.providerUrl("aws-bedrock", "locked")}/bedrock-runtime/eu-west-1/model/amazon.nova-lite-v1%3A0/converse`,
      {
        method: "POST",
        headers: { ...t.gatewayAuth, "content-type": "application/json" },
        body: JSON.stringify({ messages: [{ role: "user", content: [{ text: "Hi" }] }] }),
      },
    );
    expect(response.status).toBe(200);
    // Under npm start the function's identity is the environment's credentials (here the emulators' "local").
    const sent = t.mock.requests.at(-1)?.headers ?? {};
    expect(sent.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/eu-west-1\/bedrock\/aws4_request/,
    );
  });
});

describe("the SSRF guard", () => {
  it("refuses an override that points at an untrusted private address, before connecting", async () => {
    const response = await fetch(`${t.providerUrl("mistral")}/v1/chat/completions`, {
      method: "POST",
      headers: { ...t.gatewayAuth, authorization: "Bearer sk-test", "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(403);
    const body = (await response.json()) as { internalCode: number; message: string };
    expect(body.internalCode).toBe(7011);
    expect(body.message).toContain("TRUSTED_UPSTREAM_HOSTS");
  });
});
