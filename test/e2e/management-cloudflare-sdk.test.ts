import Cloudflare from "cloudflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let client: Cloudflare;
let account_id: string;

beforeAll(async () => {
  t = await startTestGateway();
  account_id = t.gateway.accountId;
  client = t.cloudflareClient();
});

afterAll(async () => {
  await t.stop();
});

const settings = {
  cache_invalidate_on_update: true,
  cache_ttl: 300,
  collect_logs: true,
  rate_limiting_interval: 60,
  rate_limiting_limit: 100,
};

describe("the official cloudflare SDK against the management API", () => {
  it("creates a gateway with every field it sends, and reads them back", async () => {
    const created = await client.aiGateway.create({
      account_id,
      id: "sdk-gateway",
      ...settings,
      rate_limiting_technique: "sliding",
      authentication: true,
      log_management: 100_000,
      log_management_strategy: "DELETE_OLDEST",
      retry_max_attempts: 3,
      retry_delay: 1000,
      retry_backoff: "exponential",
      spend_limits: { enabled: true, rules: [{ limit: 25, limitType: "cost", window: 86_400 }] },
    });
    expect(created).toMatchObject({
      id: "sdk-gateway",
      ...settings,
      rate_limiting_technique: "sliding",
      authentication: true,
      is_default: false,
      retry_backoff: "exponential",
      spend_limits: {
        enabled: true,
        rules: [{ limit: 25, limitType: "cost", window: 86_400, technique: "sliding" }],
      },
    });
    expect(new Date(created.created_at).toISOString()).toBe(created.created_at);
    expect(await client.aiGateway.get("sdk-gateway", { account_id })).toEqual(created);
  });

  it("round-trips Cloudflare's fields for features not built here, at their off values (a Terraform or SDK get-edit-put)", async () => {
    const off = {
      logpush: false,
      logpush_public_key: null,
      zdr: false,
      byok_only: false,
      log_classification: false,
      workers_ai_billing_mode: "postpaid" as const,
      store_id: null,
      stripe: null,
      otel: [],
      dlp: { enabled: false, action: "BLOCK" as const, profiles: [] },
      guardrails: { prompt: {}, response: {} },
    };
    const created = await client.aiGateway.create({
      account_id,
      id: "sdk-off-features",
      ...settings,
      ...off,
    });
    expect(created).toMatchObject(off);

    const {
      id,
      created_at: _created,
      modified_at: _modified,
      is_default: _default,
      ...fields
    } = await client.aiGateway.get("sdk-off-features", {
      account_id,
    });
    const updated = await client.aiGateway.update(id, { account_id, ...fields, cache_ttl: 60 });
    expect(updated).toMatchObject({ ...off, cache_ttl: 60 });
    expect(await client.aiGateway.get(id, { account_id })).toEqual(updated);

    await expect(
      client.aiGateway.update(id, {
        account_id,
        ...fields,
        dlp: { enabled: true, action: "BLOCK", profiles: ["not-a-profile"] },
      }),
    ).rejects.toMatchObject({
      status: 400,
      errors: [{ message: expect.stringContaining('unknown DLP profile "not-a-profile"') }],
    });
    // DLP is built (docs/dlp.md): both of Cloudflare's shapes go through the SDK with a built-in profile.
    const policies = {
      enabled: true,
      policies: [
        {
          id: "p1",
          action: "FLAG" as const,
          check: ["REQUEST" as const],
          enabled: true,
          profiles: ["financial-information"],
        },
      ],
    };
    expect((await client.aiGateway.update(id, { account_id, ...fields, dlp: policies })).dlp).toEqual(
      policies,
    );
    await expect(client.aiGateway.update(id, { account_id, ...fields, logpush: true })).rejects.toMatchObject(
      {
        status: 400,
        errors: [{ message: expect.stringContaining("logpush: Logpush export is not built") }],
      },
    );
  });

  it("lists gateways page by page, following the SDK's own pagination, and searches by id", async () => {
    for (const id of ["sdk-list-a", "sdk-list-b", "sdk-list-c"]) {
      await client.aiGateway.create({ account_id, id, ...settings });
    }
    const ids: string[] = [];
    for await (const gateway of client.aiGateway.list({ account_id, per_page: 2 })) ids.push(gateway.id);
    expect(ids).toEqual(expect.arrayContaining(["sdk-list-a", "sdk-list-b", "sdk-list-c", "sdk-gateway"]));
    const page = await client.aiGateway.list({ account_id, search: "sdk-list", per_page: 2 });
    expect(page.result.map((gateway) => gateway.id)).toEqual(["sdk-list-a", "sdk-list-b"]);
    expect(page.result_info).toMatchObject({ page: 1, per_page: 2, count: 2, total_count: 3 });
  });

  it("updates a gateway with PUT and returns the new settings", async () => {
    const updated = await client.aiGateway.update("sdk-gateway", {
      account_id,
      ...settings,
      cache_ttl: 0,
      collect_logs: false,
    });
    expect(updated).toMatchObject({
      id: "sdk-gateway",
      cache_ttl: 0,
      collect_logs: false,
      authentication: true,
    });
    expect(updated.modified_at >= updated.created_at).toBe(true);
  });

  it("deletes a gateway, returning it; afterwards it is not found", async () => {
    const deleted = await client.aiGateway.delete("sdk-list-c", { account_id });
    expect(deleted.id).toBe("sdk-list-c");
    await expect(client.aiGateway.get("sdk-list-c", { account_id })).rejects.toMatchObject({ status: 404 });
  });

  it("surfaces a duplicate id as a 409 and bad input as a 400 naming the field", async () => {
    await expect(
      client.aiGateway.create({ account_id, id: "sdk-gateway", ...settings }),
    ).rejects.toMatchObject({
      status: 409,
      errors: [{ code: 7001, message: 'Gateway "sdk-gateway" already exists' }],
    });
    await expect(
      client.aiGateway.create({ account_id, id: "sdk-bad", ...settings, cache_ttl: -5 }),
    ).rejects.toMatchObject({ status: 400, errors: [{ message: expect.stringContaining("cache_ttl") }] });
  });

  it("refuses a wrong token with 401", async () => {
    const stranger = new Cloudflare({
      apiToken: "wrong-token",
      baseURL: `${t.gateway.url}/client/v4`,
      maxRetries: 0,
    });
    await expect(stranger.aiGateway.list({ account_id })).rejects.toMatchObject({
      status: 401,
      errors: [{ code: 10000 }],
    });
  });

  it("reads logs: list, one log, its request and its response", async () => {
    const response = await fetch(`${t.providerUrl("openai")}/chat/completions`, {
      method: "POST",
      headers: { ...t.gatewayAuth, authorization: "Bearer sk-test", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
    });
    await response.text();
    const logId = response.headers.get("cf-aig-log-id") ?? "";
    await t.waitForLog(logId);

    const logs = await client.aiGateway.logs.list("default", { account_id, order_by_direction: "desc" });
    expect(logs.result.map((log) => log.id)).toContain(logId);
    const log = await client.aiGateway.logs.get(logId, { account_id, gateway_id: "default" });
    expect(log).toMatchObject({ id: logId, provider: "openai", model: "gpt-4o-mini", success: true });
    const request = (await client.aiGateway.logs.request(logId, { account_id, gateway_id: "default" })) as {
      result: { model: string };
    };
    expect(request.result.model).toBe("gpt-4o-mini");
    const answer = (await client.aiGateway.logs.response(logId, { account_id, gateway_id: "default" })) as {
      result: { object: string };
    };
    expect(answer.result.object).toBe("chat.completion");
  });

  it("manages custom providers: create, list, get, delete", async () => {
    const created = await client.aiGateway.customProviders.create({
      account_id,
      name: "Acme Models",
      slug: "acme",
      base_url: "https://api.acme.example/v1",
      enable: true,
    });
    expect(created).toMatchObject({ name: "Acme Models", slug: "acme", enable: true, beta: false });
    expect(created.logo).toMatch(/^data:image\/svg\+xml;base64,/);
    const listed = await client.aiGateway.customProviders.list({ account_id, enable: true });
    expect(listed.result.map((provider) => provider.id)).toEqual([created.id]);
    expect(await client.aiGateway.customProviders.get(created.id, { account_id })).toEqual(created);
    expect((await client.aiGateway.customProviders.delete(created.id, { account_id })).id).toBe(created.id);
    await expect(client.aiGateway.customProviders.get(created.id, { account_id })).rejects.toMatchObject({
      status: 404,
    });
  });

  it("stores a provider key and lists it with a preview, never the secret", async () => {
    const created = await client.aiGateway.providerConfigs.create("default", {
      account_id,
      provider_slug: "anthropic",
      alias: "sdk",
      default_config: false,
      secret: "sk-ant-sdk-secret-0123456789",
    });
    expect(created).toMatchObject({
      provider_slug: "anthropic",
      alias: "sdk",
      secret_preview: "sk-a...6789",
    });
    const listed: unknown[] = [];
    for await (const key of client.aiGateway.providerConfigs.list("default", { account_id }))
      listed.push(key);
    expect(listed).toEqual([created]);
    expect(JSON.stringify(listed)).not.toContain("sk-ant-sdk-secret-0123456789");
  });
});
