import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway();
});

afterAll(async () => {
  await t.stop();
});

/**
 * One request with the target exactly as written: fetch (and any WHATWG URL) would resolve `..` and
 * `%2e%2e` before sending, which is the very thing under test.
 */
function sendRaw(
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, unknown> }> {
  const { port } = new URL(t.gateway.url);
  return new Promise((resolve, reject) => {
    const sent = request({ host: "127.0.0.1", port, method, path: target, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} });
      });
    });
    sent.on("error", reject);
    sent.end(body);
  });
}

const DOT_SEGMENTS = ["..", "%2e%2e", "%2E%2E", ".%2e", "%2E.", ".", "%2e", "%2E"];
const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const chatBody = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });

describe("dot segments on the management API", () => {
  beforeAll(async () => {
    await t.storeProviderKey("openai", "sk-stored-0123456789");
  });

  it.each(DOT_SEGMENTS)(
    "DELETE .../provider_configs/%s is a 400 and leaves the gateway and its stored keys alone",
    async (segment) => {
      const management = `/client/v4/accounts/${t.gateway.accountId}/ai-gateway`;

      const answer = await sendRaw(
        "DELETE",
        `${management}/gateways/default/provider_configs/${segment}`,
        admin,
      );

      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ success: false, result: null });
      const [error] = answer.body.errors as { message: string }[];
      expect(error?.message).toMatch(/dot segment/);
      expect((await t.management("/gateways/default")).status).toBe(200);
      const keys = await t.management("/gateways/default/provider_configs");
      expect((keys.body.result as unknown[]).length).toBeGreaterThan(0);
    },
  );

  it("refuses a dot segment anywhere in the path, also one that would resolve to another route", async () => {
    const management = `/client/v4/accounts/${t.gateway.accountId}/ai-gateway`;
    for (const target of [
      `${management}/gateways/default/logs/%2e%2e/%2e%2e`,
      `${management}/gateways/x/../default`,
      `${management}/tokens/./`,
      `${management}/custom-providers/%2e`,
    ]) {
      const answer = await sendRaw("GET", target, admin);
      expect(answer.status, target).toBe(400);
      expect(answer.body, target).toMatchObject({ success: false });
    }
  });
});

describe("dot segments on the proxy", () => {
  const account = () => t.gateway.accountId;

  it.each(DOT_SEGMENTS)(
    "a provider-native path with %s is a 400 in the provider's dialect, never sent",
    async (segment) => {
      const before = t.mock.requests.length;
      const auth = { "content-type": "application/json", ...t.gatewayAuth, authorization: "Bearer sk-x" };

      const openai = await sendRaw(
        "POST",
        `/v1/${account()}/default/openai/x/${segment}/chat/completions`,
        auth,
        chatBody,
      );
      const anthropic = await sendRaw(
        "POST",
        `/v1/${account()}/default/anthropic/v1/x/${segment}/messages`,
        auth,
        "{}",
      );

      expect(openai.status).toBe(400);
      expect(openai.body).toMatchObject({ error: { type: "invalid_request_error" }, name: "AiGatewayError" });
      expect(anthropic.status).toBe(400);
      expect(anthropic.body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
      expect(t.mock.requests.length).toBe(before);
    },
  );

  it("refuses a dot segment on every proxy surface, in that surface's dialect", async () => {
    const before = t.mock.requests.length;
    const auth = {
      "content-type": "application/json",
      ...t.gatewayAuth,
      authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
    };
    const cases: [string, string][] = [
      [`/v1/${account()}/%2e%2e/${account()}/default/openai/chat/completions`, "openai"],
      [`/v1/${account()}/default/compat/%2e%2e/compat/chat/completions`, "openai"],
      [`/v1/${account()}/default/x/..`, "openai"],
      [`/client/v4/accounts/${account()}/ai/v1/x/%2E%2E/chat/completions`, "openai"],
      [`/client/v4/accounts/${account()}/ai/v1/x/%2e%2e/messages`, "anthropic"],
      // Workers AI's /ai/run answers in Cloudflare's v4 envelope.
      [`/client/v4/accounts/${account()}/ai/run/%2e%2e/run/@cf/x`, "cloudflare"],
    ];
    for (const [target, dialect] of cases) {
      const answer = await sendRaw("POST", target, auth, chatBody);
      expect(answer.status, target).toBe(400);
      expect(answer.body, target).toMatchObject(
        dialect === "anthropic"
          ? { type: "error" }
          : dialect === "cloudflare"
            ? { success: false, errors: [{ code: 7003 }] }
            : { error: { type: "invalid_request_error" } },
      );
    }
    expect(t.mock.requests.length).toBe(before);
  });

  it("refuses a universal step whose endpoint holds a dot segment (it would name another gateway's path)", async () => {
    const before = t.mock.requests.length;
    const steps = [
      {
        provider: "openai",
        endpoint: "../../other/openai/chat/completions",
        headers: { authorization: "Bearer sk-x" },
        query: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] },
      },
    ];
    const auth = { "content-type": "application/json", ...t.gatewayAuth };

    const answer = await sendRaw("POST", `/v1/${account()}/default`, auth, JSON.stringify(steps));

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { message: expect.stringContaining("step 0") } });
    expect(t.mock.requests.length).toBe(before);
  });
});
