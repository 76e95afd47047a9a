import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatedUpstream, startGatedUpstream } from "../support/gated-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let gated: GatedUpstream;

const settings = {
  cache_invalidate_on_update: false,
  cache_ttl: 0,
  collect_logs: true,
  rate_limiting_interval: 0,
  rate_limiting_limit: 0,
  authentication: false,
};

beforeAll(async () => {
  gated = await startGatedUpstream();
  // groq is the gated upstream: with x-hold-plain it sends a plain answer's head and then nothing.
  t = await startTestGateway({ CONFIG_CACHE_TTL_MS: "0", UPSTREAM_GROQ_URL: gated.url });
  const created = await t.managementSend("POST", "/gateways", {
    id: "impatient",
    ...settings,
    stream_idle_timeout_ms: 300,
  });
  expect(created.status).toBe(200);
});

afterAll(async () => {
  await t.stop();
  await gated.close();
});

const IDLE_MESSAGE = /sent nothing for 300 ms/;

function nativeChat(gatewayId: string, headers: Record<string, string>, stream = true) {
  return fetch(`${t.providerUrl("openai", gatewayId)}/chat/completions`, {
    method: "POST",
    headers: {
      ...(gatewayId === "default" ? t.gatewayAuth : {}),
      authorization: "Bearer sk-test",
      "content-type": "application/json",
      ...headers,
    },
    body: JSON.stringify({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content: "hi" }] }),
  });
}

function compatChat(headers: Record<string, string>) {
  return fetch(`${t.compatUrl("impatient")}/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer sk-test", "content-type": "application/json", ...headers },
    body: JSON.stringify({
      model: "openai/gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    }),
  });
}

const lastEvent = (text: string) => text.trim().split("\n\n").at(-1) ?? "";

async function expectTimeoutLogged(gatewayId: string, response: Response): Promise<void> {
  const { status, body } = await waitForLog(gatewayId, response.headers.get("cf-aig-log-id") ?? "");
  expect(status).toBe(200);
  expect(body).toMatchObject({ success: false, error: { code: 7010 } });
  expect(String((body.error as { message: string }).message)).toMatch(IDLE_MESSAGE);
}

async function waitForLog(gatewayId: string, logId: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { status, body } = await t.management(`/gateways/${gatewayId}/logs/${logId}`);
    if (status === 200 || Date.now() > deadline)
      return { status, body: body.result as Record<string, unknown> };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the stream idle timeout", () => {
  it("ends a provider-native stream that stalls mid-way with an error event, after cf-aig-stream-idle-timeout", async () => {
    const response = await nativeChat("default", {
      "x-mock-stall-after": "2",
      "cf-aig-stream-idle-timeout": "300",
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain("chat.completion.chunk");
    const error = JSON.parse(lastEvent(text).replace(/^data: /, "")) as { error: Record<string, unknown> };
    expect(error.error).toMatchObject({ type: "api_error", code: 7010 });
    expect(String(error.error.message)).toMatch(IDLE_MESSAGE);
    await expectTimeoutLogged("default", response);
  });

  it("ends a stream whose provider sent its headers and then nothing, after the gateway's stream_idle_timeout_ms", async () => {
    const response = await nativeChat("impatient", { "x-mock-stall-after": "0" });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain("chat.completion.chunk");
    expect(lastEvent(text)).toMatch(IDLE_MESSAGE);
    await expectTimeoutLogged("impatient", response);
  });

  it("ends a unified stream that stalls with an error event in the caller's format", async () => {
    const response = await compatChat({ "x-mock-stall-after": "1" });
    expect(response.status).toBe(200);
    const text = await response.text();
    const error = JSON.parse(lastEvent(text).replace(/^data: /, "")) as { error: Record<string, unknown> };
    expect(error.error).toMatchObject({ type: "api_error", code: 504 });
    expect(String(error.error.message)).toMatch(IDLE_MESSAGE);
    await expectTimeoutLogged("impatient", response);
  });

  it("answers a unified non-streamed request whose provider sent its head and then nothing with a 504 in the caller's format", async () => {
    const response = await fetch(`${t.compatUrl("impatient")}/chat/completions`, {
      method: "POST",
      headers: {
        authorization: "Bearer gsk-test",
        "content-type": "application/json",
        "x-gate": `plain-${Date.now()}`,
        "x-hold-plain": "true",
      },
      body: JSON.stringify({
        model: "groq/llama-3.1-8b-instant",
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(response.status).toBe(504);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(IDLE_MESSAGE);
    await expectTimeoutLogged("impatient", response);
  });

  it("does not cut a stream whose chunks come more often than the timeout", async () => {
    const response = await nativeChat("default", {
      "x-mock-chunk-delay-ms": "50",
      "cf-aig-stream-idle-timeout": "5000",
    });
    const text = await response.text();
    expect(lastEvent(text)).toBe("data: [DONE]");
  });

  it.each(["0", "abc", "900001"])(
    "refuses cf-aig-stream-idle-timeout: %s with a 400 naming it, sending nothing",
    async (value) => {
      const before = t.mock.requests.length;
      const response = await nativeChat("default", { "cf-aig-stream-idle-timeout": value });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("cf-aig-stream-idle-timeout");
      expect(t.mock.requests.length).toBe(before);
    },
  );

  it("is a gateway setting the management API checks and returns", async () => {
    const refused = await t.managementSend("POST", "/gateways", {
      id: "too-patient",
      ...settings,
      stream_idle_timeout_ms: 0,
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.errors)).toContain("stream_idle_timeout_ms");
    const { body } = await t.management("/gateways/impatient");
    expect(body.result).toMatchObject({ stream_idle_timeout_ms: 300 });
  });
});
