import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TEXT, MOCK_USAGE } from "../mock-upstream/server.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let runToken = "";
const stored = { openai: "sk-stored-openai-0123456789abcdef", gemini: "AIza-stored-gemini-0123456789" };

beforeAll(async () => {
  t = await startTestGateway();
  await t.storeProviderKey("openai", stored.openai);
  await t.storeProviderKey("google-ai-studio", stored.gemini);
  runToken = await t.createRunToken();
});

afterAll(async () => {
  await t.stop();
});

const restBase = () => t.restUrl;

function openai(token = runToken) {
  return new OpenAI({ apiKey: token, baseURL: restBase(), maxRetries: 0 });
}

function anthropic(token = runToken) {
  return new Anthropic({ apiKey: token, baseURL: restBase(), maxRetries: 0 });
}

describe("REST surface /ai/v1/chat/completions with the openai SDK", () => {
  it("uses the gateway's stored key and never the API token upstream", async () => {
    const { data, response } = await openai()
      .chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(MOCK_TEXT);
    const sent = t.mock.requests.at(-1);
    expect(sent?.headers.authorization).toBe(`Bearer ${stored.openai}`);
    expect(JSON.stringify(sent?.headers)).not.toContain(runToken);
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      gateway_id: "default",
      success: true,
    });
  });

  it("calls Bedrock with the function's own role when no key is stored, streamed", async () => {
    const stream = await openai().chat.completions.create({
      model: "aws-bedrock/amazon.nova-lite-v1:0",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe(MOCK_TEXT);
    expect(t.mock.requests.at(-1)?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  });

  it("refuses a caller without a run token, in OpenAI's error shape", async () => {
    const error = await openai("not-a-token")
      .chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(401);
  });

  it("picks the gateway from cf-aig-gateway-id", async () => {
    const response = await fetch(`${restBase()}/chat/completions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${runToken}`,
        "cf-aig-gateway-id": "no-such-gateway",
        "content-type": "application/json",
      },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      "no-such-gateway",
    );
  });
});

describe("REST surface /ai/v1/messages with the @anthropic-ai/sdk", () => {
  it("answers in Anthropic's format for an OpenAI model", async () => {
    const message = await anthropic().messages.create({
      model: "openai/gpt-4o-mini",
      max_tokens: 64,
      system: "Be brief.",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(message.type).toBe("message");
    expect(message.content[0]).toMatchObject({ type: "text", text: MOCK_TEXT });
    expect(message.usage.output_tokens).toBe(MOCK_USAGE.openai.output);
    const sent = t.mock.requests.at(-1);
    expect(sent?.path).toBe("/v1/chat/completions");
    expect(JSON.parse(sent?.body ?? "{}")).toMatchObject({
      model: "gpt-4o-mini",
      max_tokens: 64,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
    });
  });

  it("streams Anthropic events for a Gemini model", async () => {
    const stream = anthropic().messages.stream({
      model: "google-ai-studio/gemini-2.5-flash",
      max_tokens: 64,
      messages: [{ role: "user", content: "Hi" }],
    });
    let text = "";
    for await (const event of stream) {
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    }
    const final = await stream.finalMessage();
    expect(text).toBe(MOCK_TEXT);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.output_tokens).toBe(MOCK_USAGE["google-ai-studio"].output);
    const sent = t.mock.requests.at(-1);
    expect(sent?.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    expect(sent?.headers["x-goog-api-key"]).toBe(stored.gemini);
  });

  it("answers a Gemini model plainly and streams an OpenAI model", async () => {
    const message = await anthropic().messages.create({
      model: "google-ai-studio/gemini-2.5-flash",
      max_tokens: 64,
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(message.content[0]).toMatchObject({ type: "text", text: MOCK_TEXT });

    const stream = anthropic().messages.stream({
      model: "openai/gpt-4o-mini",
      max_tokens: 64,
      messages: [{ role: "user", content: "Hi" }],
    });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: "text", text: MOCK_TEXT });
    expect(final.usage.output_tokens).toBe(MOCK_USAGE.openai.output);
    expect(JSON.parse(t.mock.requests.at(-1)?.body ?? "{}").stream_options).toEqual({ include_usage: true });
  });
});
