import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_EMBEDDING_DIMENSIONS, MOCK_TEXT, MOCK_TEXT_PIECES } from "../mock-upstream/server.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

// Workers AI's own surfaces (reference 1.3, 1.6 and section 2): /ai/run and the workers-ai provider slug,
// in Workers AI's input, envelope and SSE events, over the unified pipeline (docs/platform-models.md).
let t: TestGateway;
let runToken = "";
const storedOpenAI = "sk-stored-openai-run-0123456789";

beforeAll(async () => {
  t = await startTestGateway();
  await t.storeProviderKey("openai", storedOpenAI);
  runToken = await t.createRunToken();
});

afterAll(async () => {
  await t.stop();
});

const runUrl = (model = "") => `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}/ai/run${model}`;

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${runToken}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { response, text: await response.text() };
}

const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };

describe("POST /ai/run/{model}", () => {
  it("answers Workers AI's envelope for a prompt, from the Bedrock model with the same weights", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      post(runUrl("/@cf/meta/llama-3.1-8b-instruct"), { prompt: "What is Cloudflare?", max_tokens: 64 }),
    );
    expect(result.response.status).toBe(200);
    expect(JSON.parse(result.text)).toEqual({
      result: { response: MOCK_TEXT, usage },
      success: true,
      errors: [],
      messages: [],
    });
    expect(sent.path).toBe("/model/meta.llama3-1-8b-instruct-v1%3A0/converse");
    expect(JSON.parse(sent.body)).toMatchObject({
      messages: [{ role: "user", content: [{ text: "What is Cloudflare?" }] }],
      inferenceConfig: { maxTokens: 64 },
    });
    const log = await t.waitForLog(result.response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "aws-bedrock",
      model: "meta.llama3-1-8b-instruct-v1:0",
      requested_model: "@cf/meta/llama-3.1-8b-instruct",
      path: "/client/v4/accounts/local/ai/run/@cf/meta/llama-3.1-8b-instruct",
      success: true,
    });
    expect(log.cost).toBeGreaterThan(0);
  });

  it("returns tool calls as Workers AI writes them: name and arguments as an object", async () => {
    const { text } = await post(
      runUrl("/@cf/openai/gpt-oss-120b"),
      {
        messages: [{ role: "user", content: "Weather in Paris and Tokyo?" }],
        tools: [
          {
            name: "get_weather",
            description: "The weather in a city",
            parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          },
        ],
      },
      { "x-mock-fixture": "tool-call" },
    );
    const sent = JSON.parse(t.mock.requests.at(-1)?.body ?? "{}");
    expect(sent.toolConfig.tools[0].toolSpec.name).toBe("get_weather");
    expect(JSON.parse(text).result).toMatchObject({
      response: "Checking both cities.",
      tool_calls: [
        { name: "get_weather", arguments: { city: "Paris" } },
        { name: "get_weather", arguments: { city: "Tokyo" } },
      ],
    });
  });
});

describe("POST /ai/run with the model in the body", () => {
  it("streams Workers AI's events: response pieces, then usage, then [DONE]", async () => {
    const { response, text } = await post(runUrl(), {
      model: "@cf/openai/gpt-oss-20b",
      input: { messages: [{ role: "user", content: "Hi" }], stream: true },
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = text
      .split("\n\n")
      .filter((event) => event !== "")
      .map((event) => event.replace(/^data: /, ""));
    expect(events.at(-1)).toBe("[DONE]");
    const data = events.slice(0, -1).map((event) => JSON.parse(event));
    expect(data.slice(0, -1)).toEqual(MOCK_TEXT_PIECES.map((piece) => ({ response: piece })));
    expect(data.at(-1)).toEqual({ response: "", usage });
    expect(t.mock.requests.at(-1)?.path).toBe("/model/openai.gpt-oss-20b-1%3A0/converse-stream");
  });

  it("streams tool calls whole, after the text, as Workers AI's own event", async () => {
    const { text } = await post(
      runUrl(),
      {
        model: "@cf/openai/gpt-oss-120b",
        input: {
          messages: [{ role: "user", content: "Weather in Paris and Tokyo?" }],
          tools: [{ name: "get_weather", parameters: { type: "object", properties: {} } }],
          stream: true,
        },
      },
      { "x-mock-fixture": "tool-call" },
    );
    const data = text
      .split("\n\n")
      .filter((event) => event.startsWith("data: {"))
      .map((event) => JSON.parse(event.slice("data: ".length)));
    expect(data.find((event) => event.tool_calls !== undefined)).toEqual({
      response: "",
      tool_calls: [
        { name: "get_weather", arguments: { city: "Paris" } },
        { name: "get_weather", arguments: { city: "Tokyo" } },
      ],
    });
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("runs any model of the gateway, not only platform models: openai/... with the stored key", async () => {
    const { text } = await post(runUrl(), { model: "openai/gpt-4o-mini", input: { prompt: "Hi" } });
    expect(JSON.parse(text)).toMatchObject({ result: { response: MOCK_TEXT }, success: true });
    expect(t.mock.requests.at(-1)?.headers.authorization).toBe(`Bearer ${storedOpenAI}`);
  });

  it.each([
    [{ input: { prompt: "Hi" } }, "Invalid /ai/run request"],
    [{ model: "@cf/openai/gpt-oss-20b", input: { prompt: "Hi" }, extra: 1 }, "Invalid /ai/run request"],
    [{ model: "@cf/openai/gpt-oss-20b", input: { prompt: "Hi", top_k: 5 } }, "not supported here: top_k"],
    [
      { model: "@cf/openai/gpt-oss-20b", input: { prompt: "Hi", messages: [] } },
      'either "prompt" or "messages"',
    ],
    [{ model: "@cf/moonshotai/kimi-k2.6", input: { prompt: "Hi" } }, "Bedrock does not host this one"],
  ])("refuses %j with a 400 in Cloudflare's v4 envelope, sending nothing", async (body, message) => {
    const before = t.mock.requests.length;
    const { response, text } = await post(runUrl(), body);
    expect(response.status).toBe(400);
    const parsed = JSON.parse(text);
    expect(parsed).toMatchObject({ success: false, result: null, messages: [], errors: [{ code: 7003 }] });
    expect(parsed.errors[0].message).toContain(message);
    expect(t.mock.requests.length).toBe(before);
  });

  it("refuses a caller without an API token with 401 and code 2009", async () => {
    const response = await fetch(runUrl("/@cf/openai/gpt-oss-20b"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "Hi" }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ success: false, errors: [{ code: 2009 }] });
  });

  it("relays Bedrock's error in the v4 envelope with Bedrock's status", async () => {
    const { response, text } = await post(
      runUrl("/@cf/openai/gpt-oss-20b"),
      { prompt: "Hi" },
      { "x-mock-status": "429" },
    );
    expect(response.status).toBe(429);
    expect(JSON.parse(text)).toMatchObject({ success: false, errors: [{ code: 2003 }] });
  });
});

describe("embedding models on /ai/run", () => {
  it("answers Workers AI's embedding shape for a text input, through the unified embeddings operation", async () => {
    const { response, text } = await post(runUrl(), {
      model: "openai/text-embedding-3-small",
      input: { text: ["first", "second"] },
    });
    expect(response.status).toBe(200);
    const body = JSON.parse(text);
    expect(body).toMatchObject({
      success: true,
      errors: [],
      messages: [],
      result: { shape: [2, MOCK_EMBEDDING_DIMENSIONS], pooling: "mean" },
    });
    expect(body.result.data).toHaveLength(2);
    expect(body.result.data[0]).toHaveLength(MOCK_EMBEDDING_DIMENSIONS);
    const sent = t.mock.requests.at(-1);
    expect(sent?.path).toBe("/v1/embeddings");
    expect(JSON.parse(sent?.body ?? "{}")).toMatchObject({
      model: "text-embedding-3-small",
      input: ["first", "second"],
    });
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ provider: "openai", model: "text-embedding-3-small", tokens_in: 8 });
  });

  it("refuses a Workers AI embedding model Bedrock does not host, in the v4 envelope", async () => {
    const { response, text } = await post(runUrl("/@cf/baai/bge-base-en-v1.5"), { text: "hello" });
    expect(response.status).toBe(400);
    expect(JSON.parse(text).errors[0].message).toContain("Bedrock does not host this one");
  });

  it("relays the provider's embeddings error in the v4 envelope", async () => {
    const { response, text } = await post(
      runUrl(),
      { model: "openai/text-embedding-3-small", input: { text: "hello" } },
      { "x-mock-status": "429" },
    );
    expect(response.status).toBe(429);
    expect(JSON.parse(text)).toMatchObject({ success: false, errors: [{ code: 2003 }], result: null });
  });
});

describe("the workers-ai provider slug", () => {
  it("serves /workers-ai/@cf/{vendor}/{model} in Workers AI's shapes on a gateway", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      post(
        `${t.providerUrl("workers-ai")}/@cf/google/gemma-3-12b-it`,
        { messages: [{ role: "user", content: "Hi" }] },
        t.gatewayAuth,
      ),
    );
    expect(JSON.parse(result.text)).toEqual({
      result: { response: MOCK_TEXT, usage },
      success: true,
      errors: [],
      messages: [],
    });
    expect(sent.path).toBe("/model/google.gemma-3-12b-it/converse");
  });

  it("serves the OpenAI-compatible /workers-ai/v1/chat/completions with @cf models", async () => {
    const client = new OpenAI({
      apiKey: runToken,
      baseURL: `${t.providerUrl("workers-ai")}/v1`,
      defaultHeaders: t.gatewayAuth,
      maxRetries: 0,
    });
    const completion = await client.chat.completions.create({
      model: "@cf/meta/llama-3.1-70b-instruct",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(completion.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(t.mock.requests.at(-1)?.path).toBe("/model/meta.llama3-1-70b-instruct-v1%3A0/converse");
  });
});
