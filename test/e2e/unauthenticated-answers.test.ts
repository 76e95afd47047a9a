import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway();
  const settings = {
    cache_ttl: 0,
    cache_invalidate_on_update: false,
    collect_logs: true,
    rate_limiting_interval: 0,
    rate_limiting_limit: 0,
  };
  await t.managementSend("POST", "/gateways", { id: "locked", authentication: true, ...settings });
});

afterAll(async () => {
  await t.stop();
});

const chat = JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });

/** Status and body, without the per-request ids, so two answers can be compared whole. */
async function answer(url: string, headers: Record<string, string> = {}, body = chat) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-x", ...headers },
    body,
  });
  return { status: response.status, body: await response.json() };
}

describe("a caller without a gateway token", () => {
  const surfaces: [string, (gateway: string, account?: string) => string][] = [
    [
      "provider-native",
      (g, a = t.gateway.accountId) => `${t.gateway.url}/v1/${a}/${g}/openai/chat/completions`,
    ],
    ["compat", (g, a = t.gateway.accountId) => `${t.gateway.url}/v1/${a}/${g}/compat/chat/completions`],
    ["universal", (g, a = t.gateway.accountId) => `${t.gateway.url}/v1/${a}/${g}`],
  ];

  it.each(surfaces)(
    "gets the same answer on the %s surface from a gateway that does not exist as from one that does",
    async (_surface, url) => {
      const body = _surface === "universal" ? JSON.stringify([]) : chat;
      const existing = await answer(url("locked"), {}, body);
      const missing = await answer(url("no-such-gateway"), {}, body);
      const otherAccount = await answer(url("locked", "no-such-account"), {}, body);
      const wrongToken = await answer(
        url("no-such-gateway"),
        { "cf-aig-authorization": "Bearer wrong" },
        body,
      );

      expect(existing.status).toBe(401);
      expect(missing).toEqual(existing);
      expect(otherAccount).toEqual(existing);
      expect(wrongToken).toEqual(existing);
    },
  );

  it("still learns from an authenticated caller's answer that a gateway does not exist (404)", async () => {
    const auth = { "cf-aig-authorization": `Bearer ${TEST_ADMIN_TOKEN}` };
    const missing = await answer(surfaces[0]?.[1]("no-such-gateway") ?? "", auth);

    expect(missing.status).toBe(404);
  });

  it("does not create the default gateway; an authenticated request does", async () => {
    await t.managementSend("DELETE", "/gateways/default");
    const url = `${t.gateway.url}/v1/${t.gateway.accountId}/default/openai/chat/completions`;
    // Listed, not read: a management read of `default` would create it (gateway-lookup.ts).
    const listed = async () =>
      ((await t.management("/gateways")).body.result as { id: string }[]).map((gateway) => gateway.id);

    expect((await answer(url)).status).toBe(401);
    expect(await listed()).not.toContain("default");
    expect((await answer(url, t.gatewayAuth)).status).toBe(200);
    expect(await listed()).toContain("default");
  });
});

describe("a caller without a management token", () => {
  it("gets the same 401 for a gateway that does not exist as for one that does", async () => {
    const base = `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}/ai-gateway/gateways`;
    const get = async (url: string) => {
      const response = await fetch(url);
      return { status: response.status, body: await response.json() };
    };

    const existing = await get(`${base}/locked`);

    expect(existing.status).toBe(401);
    expect(await get(`${base}/no-such-gateway`)).toEqual(existing);
    expect(await get(`${base}/no-such-gateway/logs`)).toEqual(existing);
    expect(await get(existing.status === 401 ? base.replace(t.gateway.accountId, "other") : base)).toEqual(
      existing,
    );
  });
});
