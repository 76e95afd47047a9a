import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

beforeAll(async () => {
  // Port 1 on loopback has no listener: the connection is refused at once.
  t = await startTestGateway({
    UPSTREAM_MISTRAL_URL: "http://127.0.0.1:1",
    MAX_REQUEST_BODY_BYTES: "1048576",
  });
});

afterAll(async () => {
  await t.stop();
});

async function call(
  path: string,
  init: { headers?: Record<string, string>; body?: string | Uint8Array<ArrayBuffer> } = {},
) {
  const response = await fetch(`${t.gateway.url}${path}`, {
    method: "POST",
    headers: {
      ...t.gatewayAuth,
      authorization: "Bearer sk-test",
      "content-type": "application/json",
      ...init.headers,
    },
    body: init.body ?? JSON.stringify({ model: "m", messages: [] }),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {}
  return { response, status: response.status, json };
}

const openAiError = (json: Record<string, unknown>) => json.error as { message: string; code: number };

describe("errors the gateway answers itself, in the caller's dialect", () => {
  it("refuses a request to an authenticated gateway without the gateway token (401, code 2009)", async () => {
    const { status, json } = await call("/v1/local/default/openai/chat/completions", {
      headers: { "cf-aig-authorization": "Bearer wrong-token" },
    });
    expect(status).toBe(401);
    expect(json).toMatchObject({ name: "AiGatewayError", internalCode: 2009, error: { code: 2009 } });
  });

  it("answers an unknown provider with 404 naming the supported ones, and logs it", async () => {
    const { status, json, response } = await call("/v1/local/default/not-a-provider/chat");
    expect(status).toBe(404);
    expect(openAiError(json).message).toContain('Unknown provider "not-a-provider"');
    expect(openAiError(json).message).toContain("openai");
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ status_code: 404, success: false, error: { code: 7002 } });
  });

  it("answers an unknown account with 404", async () => {
    const { status, json } = await call("/v1/someone-else/default/openai/chat/completions");
    expect(status).toBe(404);
    expect(openAiError(json).message).toContain('Unknown account "someone-else"');
  });

  it("answers an unknown gateway with 404: only `default` is created on first use", async () => {
    const { status, json } = await call("/v1/local/no-such-gateway/openai/chat/completions");
    expect(status).toBe(404);
    expect(openAiError(json).message).toContain('Unknown gateway "no-such-gateway"');
  });

  it("refuses a gateway id over 64 characters with 400", async () => {
    const { status, json } = await call(`/v1/local/${"g".repeat(65)}/openai/chat/completions`);
    expect(status).toBe(400);
    expect(openAiError(json).message).toContain("Invalid gateway id");
  });

  it("refuses a gateway id with characters outside the safe set with 400", async () => {
    const { status, json } = await call("/v1/local/bad%24id/openai/chat/completions");
    expect(status).toBe(400);
    expect(openAiError(json).message).toContain('Invalid gateway id "bad$id"');
  });

  it("answers in Anthropic's error shape on an Anthropic route", async () => {
    const { status, json } = await call("/v1/local/nope/anthropic/v1/messages");
    expect(status).toBe(404);
    expect(json).toMatchObject({ type: "error", error: { type: "not_found_error" } });
  });

  it("refuses a body over the proxy's limit with 413, and logs it", async () => {
    const { status, json, response } = await call("/v1/local/default/openai/chat/completions", {
      body: new Uint8Array(1024 * 1024 + 1).fill(0x20),
    });
    expect(status).toBe(413);
    expect(openAiError(json).message).toContain("Request body too large");
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ status_code: 413, error: { code: 7004 } });
  });

  it("refuses a body over API Gateway's 10 MB limit at the front door with 413", async () => {
    const { status } = await call("/v1/local/default/openai/chat/completions", {
      body: new Uint8Array(10 * 1024 * 1024 + 1),
    });
    expect(status).toBe(413);
  });

  it("answers an unreachable provider with 502, and logs it", async () => {
    const { status, json, response } = await call("/v1/local/default/mistral/v1/chat/completions");
    expect(status).toBe(502);
    expect(openAiError(json).message).toContain("could not be reached");
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ status_code: 502, success: false, error: { code: 7009 } });
  });

  it("answers a provider that never answers with 504 after the request timeout, and logs it", async () => {
    const started = performance.now();
    const { status, json, response } = await call("/v1/local/default/openai/chat/completions", {
      headers: { "x-mock-hang": "true", "cf-aig-request-timeout": "300" },
    });
    expect(status).toBe(504);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(openAiError(json).code).toBe(7010);
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ status_code: 504, error: { code: 7010 } });
  });

  it("refuses a malformed cf-aig-request-timeout with 400", async () => {
    const { status, json } = await call("/v1/local/default/openai/chat/completions", {
      headers: { "cf-aig-request-timeout": "soon" },
    });
    expect(status).toBe(400);
    expect(openAiError(json).message).toContain("cf-aig-request-timeout");
  });

  it("answers a path no API route matches the way API Gateway does", async () => {
    const { status, json } = await call("/nothing-here");
    expect(status).toBe(403);
    expect(json).toEqual({ message: "Missing Authentication Token" });
  });

  it("refuses the logs API without the admin token (401 in the Cloudflare envelope)", async () => {
    const response = await fetch(
      `${t.gateway.url}/client/v4/accounts/local/ai-gateway/gateways/default/logs`,
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ success: false, errors: [{ code: 10000 }] });
  });
});
