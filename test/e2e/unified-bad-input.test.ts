import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway();
});

afterAll(async () => {
  await t.stop();
});

const compatUrl = () => `${t.gateway.url}/v1/${t.gateway.accountId}/default/compat/chat/completions`;
const messagesUrl = () => `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}/ai/v1/messages`;

async function post(url: string, body: unknown, headers: Record<string, string>) {
  const before = t.mock.requests.length;
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  return { response, json, upstreamCalls: t.mock.requests.length - before };
}

const hi = [{ role: "user", content: "Hi" }];
const compatHeaders = () => ({ ...t.gatewayAuth, authorization: "Bearer sk-provider" });

describe("unified API bad input: a 400 in the caller's format, a log record, nothing upstream", () => {
  it.each([
    [
      "an unknown provider prefix",
      { model: "nope-ai/some-model", messages: hi },
      /Unknown provider "nope-ai"/,
    ],
    ["a model without a provider", { model: "gpt-4o-mini", messages: hi }, /names no provider/],
    [
      "a parameter the provider cannot honour",
      { model: "groq/llama-3.3-70b", messages: hi, logit_bias: { "1": 2 } },
      /logit_bias/,
    ],
    [
      "malformed messages",
      { model: "openai/gpt-4o-mini", messages: [{ role: "wizard", content: "x" }] },
      /messages/,
    ],
    [
      "an invalid tool schema for Gemini",
      {
        model: "google-ai-studio/gemini-2.5-flash",
        messages: hi,
        tools: [
          {
            type: "function",
            function: { name: "f", parameters: { type: "object", not: { required: ["a"] } } },
          },
        ],
      },
      /not/,
    ],
  ])("compat: %s", async (_name, body, message) => {
    const { response, json, upstreamCalls } = await post(compatUrl(), body, compatHeaders());
    expect(response.status).toBe(400);
    expect(upstreamCalls).toBe(0);
    const error = json.error as { message: string; type: string };
    expect(error.type).toBe("invalid_request_error");
    expect(error.message).toMatch(message);
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ status_code: 400, success: false });
  });

  it("messages surface: an unknown provider is a 400 in Anthropic's shape, logged", async () => {
    const { response, json } = await post(
      messagesUrl(),
      { model: "nope/claude", max_tokens: 10, messages: hi },
      { "x-api-key": TEST_ADMIN_TOKEN, "anthropic-version": "2023-06-01" },
    );
    expect(response.status).toBe(400);
    expect(json).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect((json.error as { message: string }).message).toContain('"nope"');
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ status_code: 400, success: false });
  });

  it("messages surface: malformed messages are a 400 in Anthropic's shape", async () => {
    const { response, json } = await post(
      messagesUrl(),
      { model: "openai/gpt-4o-mini", max_tokens: 10, messages: [{ role: "user" }] },
      { "x-api-key": TEST_ADMIN_TOKEN },
    );
    expect(response.status).toBe(400);
    expect(json).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });

  it("a provider error comes back in the caller's shape with the provider's status", async () => {
    const { response, json } = await post(
      compatUrl(),
      { model: "anthropic/claude-sonnet-4-5", messages: hi },
      { ...compatHeaders(), "x-mock-status": "429" },
    );
    expect(response.status).toBe(429);
    expect(json.error).toMatchObject({ type: expect.any(String), message: expect.any(String) });
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ status_code: 429, success: false, provider: "anthropic" });
  });
});
