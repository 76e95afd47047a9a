import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

/**
 * On AWS a request body reaches the proxy base64-encoded inside a Lambda event, which may not pass 6 MB: a
 * raw body of about 4.7 MB or more is refused by Lambda before the handler runs, and API Gateway answers
 * its own 500 (README: "Request sizes on AWS"). The proxy's own limit (MAX_REQUEST_BODY_BYTES, 4 MiB by
 * default) sits under that, so a body between the two gets the gateway's 413 in the route's own dialect,
 * logged. These bodies are in that band, with the default limit.
 */
let t: TestGateway;
let runToken: string;

beforeAll(async () => {
  t = await startTestGateway();
  runToken = await t.createRunToken();
});

afterAll(async () => {
  await t?.stop();
});

const BETWEEN_OWN_LIMIT_AND_INVOKE_LIMIT = 4_500_000;

describe("a body over the proxy's limit and under Lambda's invoke payload", () => {
  it.each([
    [
      "a provider-native OpenAI route",
      () => `${t.providerUrl("openai")}/chat/completions`,
      () => ({ ...t.gatewayAuth, authorization: "Bearer sk-test" }),
      {
        error: { type: "invalid_request_error", message: expect.stringContaining("Request body too large") },
      },
    ],
    [
      "an Anthropic route",
      () => `${t.providerUrl("anthropic")}/v1/messages`,
      () => ({ ...t.gatewayAuth, "x-api-key": "sk-ant-test" }),
      { type: "error", error: { type: "request_too_large" } },
    ],
    [
      "a Google AI Studio route",
      () => `${t.providerUrl("google-ai-studio")}/v1beta/models/gemini-2.0-flash:generateContent`,
      () => ({ ...t.gatewayAuth, "x-goog-api-key": "g-test" }),
      { error: { code: 413, status: "INVALID_ARGUMENT" } },
    ],
    [
      "the compat surface",
      () => `${t.compatUrl()}/chat/completions`,
      () => ({ ...t.gatewayAuth, authorization: "Bearer sk-test" }),
      { error: { message: expect.stringContaining("Request body too large") } },
    ],
    [
      "the REST surface",
      () => `${t.restUrl}/chat/completions`,
      () => ({ authorization: `Bearer ${runToken}` }),
      { error: { message: expect.stringContaining("Request body too large") } },
    ],
  ])("gets the gateway's 413 in the dialect of %s, and is logged", async (_, url, headers, body) => {
    const response = await fetch(url(), {
      method: "POST",
      headers: { ...headers(), "content-type": "application/json" },
      body: new Uint8Array(BETWEEN_OWN_LIMIT_AND_INVOKE_LIMIT).fill(0x20),
    });

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject(body);
    expect(await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "")).toMatchObject({
      status_code: 413,
    });
  });
});
