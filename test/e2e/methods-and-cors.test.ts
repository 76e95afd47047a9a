import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
/** A provider that grants CORS itself: the gateway must not pass that grant on. */
let permissive: Server;

const settings = {
  cache_ttl: 0,
  cache_invalidate_on_update: false,
  collect_logs: true,
  rate_limiting_interval: 0,
  rate_limiting_limit: 0,
};
const APP = "https://app.example";

beforeAll(async () => {
  permissive = createServer((req, res) => {
    req.resume();
    res.writeHead(200, {
      "content-type": "application/json",
      "access-control-allow-origin": "*",
      "access-control-expose-headers": "*",
    });
    res.end(JSON.stringify({ id: "x", object: "chat.completion", choices: [] }));
  });
  await new Promise<void>((resolve) => permissive.listen(0, "127.0.0.1", resolve));
  // No config cache: a setting changed by one test is what the next request sees.
  t = await startTestGateway({
    CONFIG_CACHE_TTL_MS: "0",
    UPSTREAM_GROQ_URL: `http://127.0.0.1:${(permissive.address() as AddressInfo).port}`,
  });
  await t.managementSend("POST", "/gateways", { id: "browser", authentication: true, ...settings });
  await t.managementSend("PUT", "/gateways/browser", {
    ...settings,
    cors_allowed_origins: [APP, "http://localhost:5173"],
  });
});

afterAll(async () => {
  await t.stop();
  await new Promise((resolve) => permissive.close(resolve));
});

/** Any method, with the target as written (fetch refuses TRACE and CONNECT). */
function send(
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { port } = new URL(t.gateway.url);
  return new Promise((resolve, reject) => {
    const sent = request({ host: "127.0.0.1", port, method, path: target, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    sent.on("error", reject);
    sent.end(body);
  });
}

const management = (path: string) => `/client/v4/accounts/${t.gateway.accountId}/ai-gateway${path}`;
const provider = (gateway: string, path: string) => `/v1/${t.gateway.accountId}/${gateway}/${path}`;
const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const chat = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });

describe("TRACE and other methods no route serves", () => {
  it("get 405 with Allow on the management API, in Cloudflare's envelope", async () => {
    const list = await send("TRACE", management("/gateways"), admin);
    const one = await send("TRACE", management("/gateways/browser"), admin);

    expect(list.status).toBe(405);
    expect(list.headers.allow).toBe("POST, GET");
    expect(JSON.parse(list.body)).toMatchObject({
      success: false,
      errors: [{ message: expect.stringContaining("TRACE") }],
    });
    expect(one.status).toBe(405);
    expect(one.headers.allow).toBe("GET, PUT, DELETE");
  });

  it("get a 405 with Allow on every proxy surface, in its dialect, never sent upstream", async () => {
    const before = t.mock.requests.length;
    const cases: [string, Record<string, unknown>, string][] = [
      [provider("default", "openai/chat/completions"), { error: { type: "invalid_request_error" } }, "POST"],
      [
        provider("default", "anthropic/v1/messages"),
        { type: "error", error: { type: "invalid_request_error" } },
        "POST",
      ],
      [
        provider("default", "compat/chat/completions"),
        { error: { type: "invalid_request_error" } },
        "POST, OPTIONS",
      ],
      [provider("default", ""), { error: { type: "invalid_request_error" } }, "POST, OPTIONS"],
      [
        `/client/v4/accounts/${t.gateway.accountId}/ai/v1/messages`,
        { type: "error", error: { type: "invalid_request_error" } },
        "POST, OPTIONS",
      ],
    ];
    for (const [target, shape, allow] of cases) {
      const answer = await send("TRACE", target, { ...t.gatewayAuth, ...admin });
      expect(answer.status, target).toBe(405);
      expect(String(answer.headers.allow), target).toContain(allow);
      expect(JSON.parse(answer.body), target).toMatchObject({ ...shape, httpCode: 405 });
    }
    expect(t.mock.requests.length).toBe(before);
  });
});

describe("CONNECT", () => {
  /** CONNECT answers through the `connect` event: its response is the tunnel's first bytes. */
  function connect(
    target: string,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    const { port } = new URL(t.gateway.url);
    return new Promise((resolve, reject) => {
      const sent = request({ host: "127.0.0.1", port, method: "CONNECT", path: target, headers: admin });
      const answered = (
        res: import("node:http").IncomingMessage,
        socket?: import("node:net").Socket,
        head?: Buffer,
      ) => {
        const chunks: Buffer[] = head && head.length > 0 ? [head] : [];
        const source = socket ?? res;
        source.on("data", (chunk: Buffer) => chunks.push(chunk));
        source.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      };
      sent.on("connect", answered);
      sent.on("response", (res) => answered(res));
      sent.on("error", reject);
      sent.end();
    });
  }

  it("gets a 405 with Allow from the local front, in the route's dialect, never a dropped connection", async () => {
    const proxy = await connect(provider("default", "anthropic/v1/messages"));
    const api = await connect(management("/gateways"));

    expect(proxy.status).toBe(405);
    expect(String(proxy.headers.allow)).toContain("POST");
    expect(JSON.parse(proxy.body)).toMatchObject({ type: "error", httpCode: 405 });
    expect(api.status).toBe(405);
    expect(api.headers.allow).toBe("POST, GET");
    expect(JSON.parse(api.body)).toMatchObject({ success: false });
  });
});

describe("OPTIONS on the proxy", () => {
  const preflight = (origin: string, extra: Record<string, string> = {}) => ({
    origin,
    "access-control-request-method": "POST",
    "access-control-request-headers": "authorization, content-type, cf-aig-authorization",
    ...extra,
  });

  it("is answered by the gateway itself, without CORS headers when the gateway allows no origin", async () => {
    const before = t.mock.requests.length;

    const answer = await send("OPTIONS", provider("default", "openai/chat/completions"), preflight(APP));

    expect(answer.status).toBe(204);
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    expect(String(answer.headers.allow)).toContain("POST");
    expect(answer.headers["cf-aig-log-id"]).toBeUndefined();
    expect(t.mock.requests.length).toBe(before);
  });

  it("allows a preflight from an origin the gateway lists, and only from it", async () => {
    const allowed = await send("OPTIONS", provider("browser", "openai/chat/completions"), preflight(APP));
    const other = await send(
      "OPTIONS",
      provider("browser", "openai/chat/completions"),
      preflight("https://evil.example"),
    );
    const missing = await send(
      "OPTIONS",
      provider("no-such-gateway", "openai/chat/completions"),
      preflight(APP),
    );

    expect(allowed.status).toBe(204);
    expect(allowed.headers).toMatchObject({
      "access-control-allow-origin": APP,
      "access-control-allow-headers": "authorization, content-type, cf-aig-authorization",
      vary: expect.stringContaining("Origin"),
    });
    expect(String(allowed.headers["access-control-allow-methods"])).toContain("POST");
    expect(other.status).toBe(204);
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    expect(missing.status).toBe(204);
    expect(missing.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("sends CORS headers on actual responses to an allowed origin, errors included", async () => {
    const auth = { ...t.gatewayAuth, authorization: "Bearer sk-x", "content-type": "application/json" };
    const ok = await send(
      "POST",
      provider("browser", "openai/chat/completions"),
      { ...auth, origin: APP },
      chat,
    );
    const refused = await send(
      "POST",
      provider("browser", "openai/chat/completions"),
      { "content-type": "application/json", origin: APP },
      chat,
    );
    const stranger = await send(
      "POST",
      provider("browser", "openai/chat/completions"),
      { ...auth, origin: "https://evil.example" },
      chat,
    );

    expect(ok.status).toBe(200);
    expect(ok.headers["access-control-allow-origin"]).toBe(APP);
    expect(String(ok.headers["access-control-expose-headers"])).toContain("cf-aig-log-id");
    expect(refused.status).toBe(401);
    expect(refused.headers["access-control-allow-origin"]).toBe(APP);
    expect(stranger.status).toBe(200);
    expect(stranger.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("OPTIONS on the unified surfaces", () => {
  it("follows the gateway of the path on compat, and the default gateway on the REST surface", async () => {
    await t.managementSend("PUT", "/gateways/default", {
      ...settings,
      authentication: true,
      cors_allowed_origins: [APP],
    });
    const headers = { origin: APP, "access-control-request-method": "POST" };

    const compat = await send("OPTIONS", provider("browser", "compat/chat/completions"), headers);
    const rest = await send(
      "OPTIONS",
      `/client/v4/accounts/${t.gateway.accountId}/ai/v1/chat/completions`,
      headers,
    );

    expect(compat.status).toBe(204);
    expect(compat.headers).toMatchObject({ allow: "POST, OPTIONS", "access-control-allow-origin": APP });
    expect(rest.status).toBe(204);
    expect(rest.headers).toMatchObject({ allow: "POST, OPTIONS", "access-control-allow-origin": APP });
    await t.managementSend("PUT", "/gateways/default", {
      ...settings,
      authentication: true,
      cors_allowed_origins: null,
    });
  });
});

describe("a provider's own CORS headers", () => {
  it("never reach the client: the gateway's setting alone decides what a page may read", async () => {
    const auth = { ...t.gatewayAuth, authorization: "Bearer sk-x", "content-type": "application/json" };
    const answer = await send(
      "POST",
      provider("default", "groq/chat/completions"),
      { ...auth, origin: "https://evil.example" },
      chat,
    );

    expect(answer.status).toBe(200);
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    expect(answer.headers["access-control-expose-headers"]).toBeUndefined();
  });
});

describe("the cors_allowed_origins setting", () => {
  it("is off for a new gateway, and refuses what is not an origin, naming the field", async () => {
    const created = await t.managementSend("POST", "/gateways", { id: "fresh", ...settings });
    expect(created.body.result).toMatchObject({ cors_allowed_origins: [] });

    for (const origins of [
      ["app.example"],
      ["https://app.example/path"],
      ["ftp://app.example"],
      "https://app.example",
    ]) {
      const answer = await t.managementSend("PUT", "/gateways/fresh", {
        ...settings,
        cors_allowed_origins: origins,
      });
      expect(answer.status, JSON.stringify(origins)).toBe(400);
      expect(answer.body.errors[0]?.message, JSON.stringify(origins)).toContain("cors_allowed_origins");
    }
  });
});
