import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TITAN_INPUT_TOKENS, mockEmbeddingVector } from "../mock-upstream/embeddings.ts";
import { MOCK_EMBEDDING_DIMENSIONS, MOCK_EMBEDDING_USAGE } from "../mock-upstream/server.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let runToken = "";
const storedGeminiKey = "AIza-stored-gemini-0123456789";

beforeAll(async () => {
  t = await startTestGateway();
  await t.storeProviderKey("google-ai-studio", storedGeminiKey);
  runToken = await t.createRunToken();
});

afterAll(async () => {
  await t.stop();
});

const rest = () => t.restClient(runToken);

const compat = () => t.compatClient();

/** The vectors rounded to float32 precision, as they travel in base64. */
const f32 = (values: number[]) => values.map((value) => Math.fround(value));

describe("embeddings in OpenAI's format", () => {
  it("calls OpenAI natively on the compat surface and logs prompt tokens and cost", async () => {
    const { data, response } = await compat()
      .embeddings.create({ model: "openai/text-embedding-3-small", input: ["one", "two"] })
      .withResponse();
    expect(data.data.map((entry) => entry.index)).toEqual([0, 1]);
    expect(data.data[0]?.embedding).toHaveLength(MOCK_EMBEDDING_DIMENSIONS);
    const sent = t.mock.requests.at(-1);
    expect(sent?.path).toBe("/v1/embeddings");
    expect(sent?.headers.authorization).toBe("Bearer sk-provider-key");
    // The SDK asks for base64 by default; the body goes on as sent, without the provider prefix.
    expect(JSON.parse(sent?.body ?? "{}")).toEqual({
      model: "text-embedding-3-small",
      input: ["one", "two"],
      encoding_format: "base64",
    });
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "openai",
      model: "text-embedding-3-small",
      success: true,
      tokens_in: MOCK_EMBEDDING_USAGE.input,
      tokens_out: 0,
    });
    expect(log.cost).toBeGreaterThan(0);
  });

  it("calls Mistral at its /v1/embeddings with dimensions as output_dimension", async () => {
    await compat().embeddings.create({
      model: "mistral/codestral-embed",
      input: "fn main() {}",
      dimensions: 256,
      encoding_format: "float",
    });
    const sent = t.mock.requests.at(-1);
    expect(sent?.path).toBe("/v1/embeddings");
    expect(JSON.parse(sent?.body ?? "{}")).toEqual({
      model: "codestral-embed",
      input: ["fn main() {}"],
      encoding_format: "float",
      output_dimension: 256,
    });
  });

  it("translates Google AI Studio's batchEmbedContents into OpenAI's list, base64 included", async () => {
    const { data, response } = await rest()
      .embeddings.create({
        model: "google-ai-studio/gemini-embedding-001",
        input: ["a", "b", "c"],
        dimensions: 4,
      })
      .withResponse();
    expect(data.object).toBe("list");
    expect(data.data.map((entry) => entry.embedding)).toEqual([
      f32(mockEmbeddingVector(0, 4)),
      f32(mockEmbeddingVector(1, 4)),
      f32(mockEmbeddingVector(2, 4)),
    ]);
    const sent = t.mock.requests.at(-1);
    expect(sent?.path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(sent?.headers["x-goog-api-key"]).toBe(storedGeminiKey);
    expect(JSON.parse(sent?.body ?? "{}")).toEqual({
      requests: ["a", "b", "c"].map((text) => ({
        model: "models/gemini-embedding-001",
        content: { parts: [{ text }] },
        outputDimensionality: 4,
      })),
    });
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ provider: "google-ai-studio", model: "gemini-embedding-001", success: true });
  });

  it("calls Amazon Titan Text Embeddings V2 through InvokeModel and logs its token count", async () => {
    const { data, response } = await rest()
      .embeddings.create({
        model: "aws-bedrock/amazon.titan-embed-text-v2:0",
        input: "hello",
        dimensions: 256,
        encoding_format: "float",
      })
      .withResponse();
    expect(data.data[0]?.embedding).toEqual(mockEmbeddingVector(0, 256));
    expect(data.usage).toEqual({
      prompt_tokens: MOCK_TITAN_INPUT_TOKENS,
      total_tokens: MOCK_TITAN_INPUT_TOKENS,
    });
    const sent = t.mock.requests.at(-1);
    expect(sent?.path).toBe("/model/amazon.titan-embed-text-v2%3A0/invoke");
    expect(sent?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(JSON.parse(sent?.body ?? "{}")).toEqual({ inputText: "hello", dimensions: 256 });
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ provider: "aws-bedrock", tokens_in: MOCK_TITAN_INPUT_TOKENS, tokens_out: 0 });
  });
});

describe("embeddings bad input: a 400 naming the problem, logged, nothing upstream", () => {
  it.each([
    ["a provider without embeddings", { model: "groq/nomic-embed", input: "x" }, /groq offers no embeddings/],
    [
      "a parameter the provider cannot honour",
      { model: "mistral/mistral-embed", input: "x", user: "u1" },
      /user/,
    ],
    [
      "token arrays to a provider other than OpenAI",
      { model: "mistral/mistral-embed", input: [1, 2] },
      /Token arrays/,
    ],
    [
      "several inputs to Titan",
      { model: "aws-bedrock/amazon.titan-embed-text-v2:0", input: ["a", "b"] },
      /one text per call/,
    ],
    ["a missing input", { model: "openai/text-embedding-3-small" }, /input/],
  ])("refuses %s", async (_name, body, message) => {
    const before = t.mock.requests.length;
    const response = await fetch(`${t.gateway.url}/v1/${t.gateway.accountId}/default/compat/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-x", ...t.gatewayAuth },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { error: { message: string; type: string } };
    expect(response.status).toBe(400);
    expect(json.error.message).toMatch(message);
    expect(t.mock.requests.length).toBe(before);
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ status_code: 400, success: false });
  });

  it("returns a provider's error in OpenAI's shape with the provider's status", async () => {
    const error = await rest()
      .embeddings.create(
        { model: "google-ai-studio/gemini-embedding-001", input: "x" },
        { headers: { "x-mock-status": "429" } },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  });
});

describe("embeddings under the gateway's limits", () => {
  it("counts against the gateway's rate limit like any request: the second call is a 429, not sent upstream", async () => {
    const created = await t.managementSend("POST", "/gateways", {
      id: "embed-limited",
      cache_invalidate_on_update: false,
      cache_ttl: 0,
      collect_logs: true,
      rate_limiting_interval: 3600,
      rate_limiting_limit: 1,
      rate_limiting_technique: "fixed",
      authentication: false,
    });
    expect(created.status).toBe(200);
    const call = () =>
      fetch(`${t.gateway.url}/v1/${t.gateway.accountId}/embed-limited/compat/embeddings`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-x" },
        body: JSON.stringify({ model: "openai/text-embedding-3-small", input: "x" }),
      });
    const before = t.mock.requests.length;
    const first = await call();
    const second = await call();
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(((await second.json()) as { error: { message: string } }).error.message).toBeTruthy();
    expect(t.mock.requests.length - before).toBe(1);
  });
});
