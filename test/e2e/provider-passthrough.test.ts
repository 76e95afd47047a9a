import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEventStream, MOCK_TEXT, MOCK_USAGE } from "../mock-upstream/server.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway();
});

afterAll(async () => {
  await t.stop();
});

function openai(headers: Record<string, string> = {}) {
  return new OpenAI({
    apiKey: "sk-test-openai",
    baseURL: t.providerUrl("openai"),
    defaultHeaders: { ...t.gatewayAuth, ...headers },
    maxRetries: 0,
  });
}

function anthropic(headers: Record<string, string> = {}) {
  return new Anthropic({
    apiKey: "sk-ant-test",
    baseURL: t.providerUrl("anthropic"),
    defaultHeaders: { ...t.gatewayAuth, ...headers },
    maxRetries: 0,
  });
}

/**
 * The chunks reached the client as the provider sent them, 200 ms apart, rather than held back and
 * released together. Judged on the median gap and the whole span, so one late timer on a loaded
 * machine cannot fail it, while a buffered stream (all gaps near zero) always does.
 */
function expectArrivedApart(arrivals: number[], minimumChunks: number) {
  expect(arrivals.length).toBeGreaterThanOrEqual(minimumChunks);
  const gaps = arrivals
    .slice(1)
    .map((time, index) => time - (arrivals[index] ?? 0))
    .sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)] ?? 0;
  expect(median).toBeGreaterThan(150);
  expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(150 * gaps.length);
}

describe("provider-native passthrough with the official SDKs", () => {
  it("returns an OpenAI chat completion and logs it with tokens", async () => {
    const { data, response } = await openai()
      .chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] })
      .withResponse();

    expect(data.choices[0]?.message.content).toBe(MOCK_TEXT);
    const logId = response.headers.get("cf-aig-log-id") ?? "";
    expect(logId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(response.headers.get("cf-aig-request-id")).toBe(logId);
    expect(response.headers.get("cf-aig-event-id")).toBe(logId);

    const log = await t.waitForLog(logId);
    expect(log).toMatchObject({
      id: logId,
      provider: "openai",
      model: "gpt-4o-mini",
      path: "/v1/local/default/openai/chat/completions",
      method: "POST",
      status_code: 200,
      success: true,
      cached: false,
      tokens_in: MOCK_USAGE.openai.input,
      tokens_out: MOCK_USAGE.openai.output,
      event_id: logId,
      client_aborted: false,
    });
    expect(log.duration).toBeGreaterThan(0);
    expect(log.time_to_first_byte).toBeGreaterThan(0);
    // The provider key reached the provider, not the log.
    expect(t.mock.requests.at(-1)?.headers.authorization).toBe("Bearer sk-test-openai");
    expect(JSON.stringify(log)).not.toContain("sk-test-openai");
  });

  it("streams OpenAI chunks as the provider sends them, 200 ms apart", async () => {
    const { data: stream, response } = await openai({ "x-mock-chunk-delay-ms": "200" })
      .chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();

    const arrivals: number[] = [];
    let text = "";
    for await (const chunk of stream) {
      arrivals.push(performance.now());
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(text).toBe(MOCK_TEXT);
    expectArrivedApart(arrivals, 5);

    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      success: true,
      status_code: 200,
      response_content_type: expect.stringContaining("text/event-stream"),
      tokens_in: MOCK_USAGE.openai.input,
      tokens_out: MOCK_USAGE.openai.output,
    });
  });

  it("returns an Anthropic message and logs cache tokens inside tokens_in", async () => {
    const { data, response } = await anthropic()
      .messages.create({
        model: "claude-sonnet-5-5",
        max_tokens: 64,
        messages: [{ role: "user", content: "Hi" }],
      })
      .withResponse();

    expect(data.content[0]).toMatchObject({ type: "text", text: MOCK_TEXT });
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    const usage = MOCK_USAGE.anthropic;
    expect(log).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-5-5",
      success: true,
      tokens_in: usage.input + usage.cacheRead + usage.cacheCreation,
      tokens_out: usage.output,
      cache_read_tokens: usage.cacheRead,
      cache_write_tokens: usage.cacheCreation,
    });
  });

  it("streams Anthropic events as they are sent and logs the streamed usage", async () => {
    const { data: stream, response } = await anthropic({ "x-mock-chunk-delay-ms": "200" })
      .messages.create({
        model: "claude-sonnet-5-5",
        max_tokens: 64,
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
      })
      .withResponse();

    const deltaArrivals: number[] = [];
    let text = "";
    for await (const event of stream) {
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
        deltaArrivals.push(performance.now());
        text += event.delta.text;
      }
    }
    expect(text).toBe(MOCK_TEXT);
    expectArrivedApart(deltaArrivals, 4);

    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ success: true, tokens_out: MOCK_USAGE.anthropic.output });
  });

  it("passes a Gemini SSE stream through and logs its usage", async () => {
    const response = await fetch(
      `${t.providerUrl("google-ai-studio")}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
      {
        method: "POST",
        headers: { ...t.gatewayAuth, "x-goog-api-key": "goog-test", "content-type": "application/json" },
        body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] }),
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    expect(text).toContain("data: ");
    expect(t.mock.requests.at(-1)?.query).toBe("alt=sse");

    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "google-ai-studio",
      model: "gemini-2.5-flash",
      tokens_in: MOCK_USAGE["google-ai-studio"].input,
      tokens_out: MOCK_USAGE["google-ai-studio"].output,
    });
  });

  it("passes Bedrock's binary event stream through byte for byte and logs its usage", async () => {
    const response = await fetch(
      `${t.providerUrl("aws-bedrock")}/bedrock-runtime/us-east-1/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream`,
      {
        method: "POST",
        headers: {
          ...t.gatewayAuth,
          authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/us-east-1/bedrock/aws4_request",
          "x-amz-date": "20261125T000000Z",
          "content-type": "application/json",
        },
        body: JSON.stringify({ messages: [{ role: "user", content: [{ text: "Hi" }] }] }),
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/vnd.amazon.eventstream");
    const events = decodeEventStream(new Uint8Array(await response.arrayBuffer()));
    expect(events.map((event) => event.eventType)).toContain("metadata");
    // Client-side SigV4 headers reach AWS untouched.
    expect(t.mock.requests.at(-1)?.headers["x-amz-date"]).toBe("20261125T000000Z");
    expect(t.mock.requests.at(-1)?.path).toBe(
      "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream",
    );

    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "aws-bedrock",
      model: "anthropic.claude-3-haiku-20240307-v1:0",
      tokens_in: MOCK_USAGE["aws-bedrock"].input,
      tokens_out: MOCK_USAGE["aws-bedrock"].output,
    });
  });

  it("keeps the gateway token away from the provider", async () => {
    await openai().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hi" }],
    });
    const headers = t.mock.requests.at(-1)?.headers ?? {};
    expect(Object.keys(headers).filter((name) => name.startsWith("cf-aig-"))).toEqual([]);
  });
});
