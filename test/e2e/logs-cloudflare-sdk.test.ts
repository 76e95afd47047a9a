import type Cloudflare from "cloudflare";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let client: Cloudflare;
let account_id: string;
const ids: { openai: string[]; anthropic: string[] } = { openai: [], anthropic: [] };

async function send(provider: "openai" | "anthropic", model: string): Promise<string> {
  const openai = provider === "openai";
  const response = await fetch(`${t.providerUrl(provider)}${openai ? "/chat/completions" : "/v1/messages"}`, {
    method: "POST",
    headers: {
      ...t.gatewayAuth,
      ...(openai
        ? { authorization: "Bearer sk-test" }
        : { "x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01" }),
      "content-type": "application/json",
      "cf-aig-metadata": JSON.stringify({ team: provider }),
    },
    body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: "user", content: "Hi" }] }),
  });
  await response.text();
  expect(response.status).toBe(200);
  return response.headers.get("cf-aig-log-id") ?? "";
}

beforeAll(async () => {
  t = await startTestGateway();
  account_id = t.gateway.accountId;
  client = t.cloudflareClient();
  for (let index = 0; index < 3; index += 1) ids.openai.push(await send("openai", "gpt-4o-mini"));
  for (let index = 0; index < 2; index += 1) ids.anthropic.push(await send("anthropic", "claude-sonnet-4-5"));
  for (const id of [...ids.openai, ...ids.anthropic]) await t.waitForLog(id);
});

afterAll(async () => {
  await t.stop();
});

describe("the official cloudflare SDK against the logs API (client.aiGateway.logs.*)", () => {
  it("lists with a filter, in the SDK's own wire form", async () => {
    const page = await client.aiGateway.logs.list("default", {
      account_id,
      filters: [{ key: "provider", operator: "eq", value: ["anthropic"] }],
      order_by: "created_at",
      order_by_direction: "asc",
      meta_info: true,
    });
    expect(page.result.map((log) => log.id)).toEqual(ids.anthropic);
    expect(page.result.every((log) => log.provider === "anthropic")).toBe(true);
  });

  it("gets one log, its request and its response", async () => {
    const id = ids.openai[0] ?? "";
    const log = await client.aiGateway.logs.get(id, { account_id, gateway_id: "default" });
    expect(log).toMatchObject({ id, provider: "openai", model: "gpt-4o-mini", success: true });
    const request = (await client.aiGateway.logs.request(id, { account_id, gateway_id: "default" })) as {
      result: { model: string };
    };
    expect(request.result.model).toBe("gpt-4o-mini");
    const response = (await client.aiGateway.logs.response(id, { account_id, gateway_id: "default" })) as {
      result: { object: string };
    };
    expect(response.result.object).toBe("chat.completion");
  });

  it("edits feedback, score and metadata (PATCH), and lists by feedback", async () => {
    const id = ids.openai[1] ?? "";
    const edited = await client.aiGateway.logs.edit(id, {
      account_id,
      gateway_id: "default",
      feedback: 1,
      score: 90,
      metadata: { reviewed: true },
    });
    expect(edited).toMatchObject({ id, feedback: 1, score: 90, metadata: { reviewed: true } });
    const liked = await client.aiGateway.logs.list("default", {
      account_id,
      filters: [{ key: "feedback", operator: "eq", value: [1] }],
    });
    expect(liked.result.map((log) => log.id)).toEqual([id]);
  });

  it("deletes by filter, with a limit, and the rest stay", async () => {
    const answer = await client.aiGateway.logs.delete("default", {
      account_id,
      filters: [{ key: "provider", operator: "eq", value: ["openai"] }],
      limit: 2,
      order_by: "created_at",
      order_by_direction: "asc",
    });
    expect(answer.success).toBe(true);
    // A small delete is done within the answer's wait: the job comes back done, with what it deleted.
    expect((answer as unknown as { result: unknown }).result).toMatchObject({ status: "done", deleted: 2 });
    const left = await client.aiGateway.logs.list("default", { account_id, order_by_direction: "asc" });
    expect(left.result.map((log) => log.id)).toEqual([ids.openai[2], ...ids.anthropic]);
    await expect(
      client.aiGateway.logs.get(ids.openai[0] ?? "", { account_id, gateway_id: "default" }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it("serves the gateway's analytics, counting every request, deleted logs included", async () => {
    const now = new Date();
    const start = new Date(now.getTime() - 3_600_000).toISOString();
    const end = new Date(now.getTime() + 3_600_000).toISOString();
    // A log is readable as soon as it is inserted; the log-writer adds it to the analytics just after.
    const result = await vi.waitFor(
      async () => {
        const { status, body } = await t.management(
          `/gateways/default/analytics?start=${start}&end=${end}&group_by=provider`,
        );
        expect(status).toBe(200);
        const analytics = body.result as {
          totals: { requests: number };
          buckets: { provider: string; requests: number }[];
        };
        expect(analytics.totals.requests).toBe(5);
        return analytics;
      },
      { timeout: 10_000, interval: 100 },
    );
    const byProvider = new Map<string, number>();
    for (const bucket of result.buckets)
      byProvider.set(bucket.provider, (byProvider.get(bucket.provider) ?? 0) + bucket.requests);
    expect(Object.fromEntries(byProvider)).toEqual({ openai: 3, anthropic: 2 });
  });
});
