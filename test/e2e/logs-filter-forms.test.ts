import type Cloudflare from "cloudflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let client: Cloudflare;
let account_id: string;
/** Log ids by what they were sent with. */
const ids = { mini: [] as string[], large: [] as string[], anthropic: [] as string[] };

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
    },
    body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: "user", content: "Hi" }] }),
  });
  await response.text();
  expect(response.status).toBe(200);
  return response.headers.get("cf-aig-log-id") ?? "";
}

/** Through the local front and the api handler, as a client that is not the SDK sends it. */
async function logsCall(method: "GET" | "DELETE", query: string) {
  const response = await fetch(
    `${t.gateway.url}/client/v4/accounts/${account_id}/ai-gateway/gateways/default/logs?${query}`,
    { method, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } },
  );
  return {
    status: response.status,
    body: (await response.json()) as {
      success: boolean;
      errors: { message: string }[];
      result: { id: string }[] | { deleted: number };
    },
  };
}

async function storedIds(): Promise<string[]> {
  const { status, body } = await logsCall("GET", "per_page=50");
  expect(status).toBe(200);
  return (body.result as { id: string }[]).map((log) => log.id).sort();
}

const all = () => [...ids.mini, ...ids.large, ...ids.anthropic].sort();

beforeAll(async () => {
  t = await startTestGateway();
  account_id = t.gateway.accountId;
  client = t.cloudflareClient();
  for (let index = 0; index < 2; index += 1) ids.mini.push(await send("openai", "gpt-4o-mini"));
  ids.large.push(await send("openai", "gpt-4o"));
  for (let index = 0; index < 2; index += 1) ids.anthropic.push(await send("anthropic", "claude-sonnet-4-5"));
  for (const id of all()) await t.waitForLog(id);
});

afterAll(async () => {
  await t.stop();
});

describe("logs filters through the local runtime (API Gateway's event regroups the query by name)", () => {
  it("reads the cloudflare SDK's form with two one-value filters", async () => {
    const page = await client.aiGateway.logs.list("default", {
      account_id,
      filters: [
        { key: "provider", operator: "eq", value: ["openai"] },
        { key: "model", operator: "eq", value: ["gpt-4o-mini"] },
      ],
      per_page: 50,
    });
    expect(page.result.map((log) => log.id).sort()).toEqual([...ids.mini].sort());
  });

  it("refuses the SDK's form when several filters and values can no longer be matched, and says what to do", async () => {
    const refused = client.aiGateway.logs.delete("default", {
      account_id,
      filters: [
        { key: "provider", operator: "eq", value: ["openai", "anthropic"] },
        { key: "model", operator: "eq", value: ["gpt-4o-mini"] },
      ],
    });
    await expect(refused).rejects.toMatchObject({ status: 400 });
    await expect(refused).rejects.toThrow("use the filters[N][key] form or JSON");
    expect(await storedIds()).toEqual(all());
  });

  it("refuses a bracket-form DELETE with a misspelt field, naming it, and deletes nothing", async () => {
    const { status, body } = await logsCall(
      "DELETE",
      "filters%5B0%5D%5Bkey%5D=provider&filters%5B0%5D%5Boperator%5D=eq&filters%5B0%5D%5Bvalues%5D%5B0%5D=openai",
    );
    expect(status).toBe(400);
    expect(body.errors[0]?.message).toContain(
      'Query parameter "filters[0][values][0]" is not a filter parameter',
    );
    expect(await storedIds()).toEqual(all());
  });

  it("deletes only the logs a bracket-form filter selects (qs's default serialisation), and the rest stay", async () => {
    // qs.stringify({filters: [{key: "provider", operator: "eq", value: ["openai"]},
    //   {key: "model", operator: "neq", value: ["gpt-4o"]}]}), as most HTTP clients send it.
    const { status, body } = await logsCall(
      "DELETE",
      "filters%5B0%5D%5Bkey%5D=provider&filters%5B0%5D%5Boperator%5D=eq&filters%5B0%5D%5Bvalue%5D%5B0%5D=openai" +
        "&filters%5B1%5D%5Bkey%5D=model&filters%5B1%5D%5Boperator%5D=neq&filters%5B1%5D%5Bvalue%5D%5B0%5D=gpt-4o",
    );
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: [] });
    expect((body.result as { deleted: number }).deleted).toBe(ids.mini.length);
    expect(await storedIds()).toEqual([...ids.large, ...ids.anthropic].sort());
  });
});
