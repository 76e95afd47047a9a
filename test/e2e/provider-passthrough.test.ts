import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TEXT, MOCK_USAGE } from "../mock-upstream/server.ts";
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
    const gaps = arrivals.slice(1).map((time, index) => time - (arrivals[index] ?? 0));
    expect(gaps.length).toBeGreaterThanOrEqual(5);
    // Each chunk reaches the client when the provider sends it: none were held back and released together.
    for (const gap of gaps) expect(gap).toBeGreaterThan(150);

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
    const gaps = deltaArrivals.slice(1).map((time, index) => time - (deltaArrivals[index] ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThan(150);

    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ success: true, tokens_out: MOCK_USAGE.anthropic.output });
  });
});
