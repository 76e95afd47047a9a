import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TEXT, MOCK_USAGE } from "../mock-upstream/server.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let runToken = "";
const stored = { cohere: "co-stored-0123456789abcdef", azure: "az-stored-0123456789abcdef" };
const AZURE_MODEL = "azure-openai/my-resource/gpt-4o-mini";

beforeAll(async () => {
  t = await startTestGateway();
  await t.storeProviderKey("cohere", stored.cohere);
  await t.storeProviderKey("azure-openai", stored.azure);
  runToken = await t.createRunToken();
});

afterAll(async () => {
  await t.stop();
});

const compat = (headers: Record<string, string> = {}) => t.compatClient(undefined, headers);

const rest = (headers: Record<string, string> = {}) => t.restClient(runToken, headers);

const weather: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "The weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** Reads a streamed answer: text, tool calls assembled from their deltas, finish reason and usage. */
async function readStream(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  let text = "";
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    text += choice.delta.content ?? "";
    finish = choice.finish_reason ?? finish;
    for (const delta of choice.delta.tool_calls ?? []) {
      calls[delta.index] ??= { id: "", name: "", arguments: "" };
      const call = calls[delta.index] as { id: string; name: string; arguments: string };
      call.id += delta.id ?? "";
      call.name += delta.function?.name ?? "";
      call.arguments += delta.function?.arguments ?? "";
    }
  }
  return { text, finish, usage, calls };
}

/** Runs a tool-call round trip: the provider asks for two calls, the caller answers them, the model replies. */
async function toolRoundTrip(client: OpenAI, model: string) {
  const question: Message[] = [{ role: "user", content: "Weather in Paris and Tokyo?" }];
  const first = await client.chat.completions.create(
    { model, messages: question, tools: [weather] },
    { headers: { "x-mock-fixture": "tool-call" } },
  );
  const message = first.choices[0]?.message;
  expect(first.choices[0]?.finish_reason).toBe("tool_calls");
  const calls = message?.tool_calls ?? [];
  expect(
    calls.map((call) => (call.type === "function" ? JSON.parse(call.function.arguments) : null)),
  ).toEqual([{ city: "Paris" }, { city: "Tokyo" }]);
  const history: Message[] = [
    ...question,
    { role: "assistant", content: message?.content ?? null, tool_calls: calls },
    ...calls.map(
      (call): Message => ({ role: "tool", tool_call_id: call.id, content: `sunny in ${call.id}` }),
    ),
  ];
  const { result: second, sent } = await t.upstreamOf(() =>
    client.chat.completions.create({ model, messages: history, tools: [weather] }),
  );
  expect(second.choices[0]?.message.content).toBe(MOCK_TEXT);
  return { calls, sentBody: JSON.parse(sent.body) };
}

describe("Cohere through the unified API", () => {
  it("compat: translates to /v2/chat with Bearer auth and back, and logs billed tokens and cost", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      compat()
        .chat.completions.create({
          model: "cohere/command-a-03-2025",
          messages: [
            { role: "system", content: "Be brief." },
            { role: "user", content: "Hi" },
          ],
          max_tokens: 100,
          temperature: 0.5,
          top_p: 0.9,
          stop: ["END"],
        })
        .withResponse(),
    );
    expect(result.data.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(result.data.choices[0]?.finish_reason).toBe("stop");
    expect(result.data.usage).toMatchObject({
      prompt_tokens: MOCK_USAGE.cohere.input,
      completion_tokens: MOCK_USAGE.cohere.output,
    });
    expect(sent.path).toBe("/v2/chat");
    expect(sent.headers.authorization).toBe("Bearer sk-provider-key");
    expect(JSON.parse(sent.body)).toEqual({
      model: "command-a-03-2025",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
      max_tokens: 100,
      temperature: 0.5,
      p: 0.9,
      stop_sequences: ["END"],
    });
    const log = await t.waitForLog(result.response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "cohere",
      model: "command-a-03-2025",
      status_code: 200,
      success: true,
      tokens_in: MOCK_USAGE.cohere.input,
      tokens_out: MOCK_USAGE.cohere.output,
    });
    expect(log.cost).toBeGreaterThan(0);
    expect(JSON.stringify(log)).not.toContain("sk-provider-key");
  });

  it("compat: streams Cohere's events as OpenAI chunks, with the usage chunk when asked, and logs the tokens", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      compat()
        .chat.completions.create({
          model: "cohere/command-r-08-2024",
          messages: [{ role: "user", content: "Hi" }],
          stream: true,
          stream_options: { include_usage: true },
        })
        .withResponse(),
    );
    const read = await readStream(result.data);
    const log = await t.waitForLog(result.response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "cohere",
      model: "command-r-08-2024",
      tokens_in: MOCK_USAGE.cohere.input,
      tokens_out: MOCK_USAGE.cohere.output,
    });
    expect(read.text).toBe(MOCK_TEXT);
    expect(read.finish).toBe("stop");
    expect(read.usage?.completion_tokens).toBe(MOCK_USAGE.cohere.output);
    expect(JSON.parse(sent.body)).toMatchObject({ stream: true });
    expect(JSON.parse(sent.body)).not.toHaveProperty("stream_options");
  });

  it("compat: carries a tool-call round trip (tool plan as content, results as tool messages)", async () => {
    const { calls, sentBody } = await toolRoundTrip(compat(), "cohere/command-a-03-2025");
    expect(sentBody.messages[1]).toEqual({
      role: "assistant",
      tool_plan: "I will look up the weather in Paris and Tokyo.",
      tool_calls: calls.map((call) => ({ ...call })),
    });
    expect(sentBody.messages.slice(2)).toEqual(
      calls.map((call) => ({ role: "tool", tool_call_id: call.id, content: `sunny in ${call.id}` })),
    );
    expect(sentBody.tools[0]).toEqual({ type: "function", function: weather.function });
  });

  it("compat: streams tool calls with their argument deltas", async () => {
    const stream = await compat({ "x-mock-fixture": "tool-call" }).chat.completions.create({
      model: "cohere/command-a-03-2025",
      messages: [{ role: "user", content: "Weather in Paris and Tokyo?" }],
      tools: [weather],
      stream: true,
    });
    const read = await readStream(stream);
    expect(read.finish).toBe("tool_calls");
    expect(read.text).toBe("I will look up the weather.");
    expect(read.calls).toEqual([
      { id: "get_weather_paris01", name: "get_weather", arguments: '{"city":"Paris"}' },
      { id: "get_weather_tokyo02", name: "get_weather", arguments: '{"city":"Tokyo"}' },
    ]);
  });

  it("compat: returns Cohere's error in OpenAI's shape with Cohere's status", async () => {
    const error = await compat({ "x-mock-status": "429" })
      .chat.completions.create({ model: "cohere/command-r", messages: [{ role: "user", content: "Hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((error as InstanceType<typeof OpenAI.APIError>).type).toBe("rate_limit_error");
    expect((error as Error).message).toContain("per minute request limit");
  });

  it("compat: refuses a named tool_choice with a 400 that names it, before calling Cohere", async () => {
    const before = t.mock.requests.length;
    const error = await compat()
      .chat.completions.create({
        model: "cohere/command-r",
        messages: [{ role: "user", content: "Hi" }],
        tools: [weather],
        tool_choice: { type: "function", function: { name: "get_weather" } },
      })
      .catch((caught: unknown) => caught);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((error as Error).message).toContain("tool_choice");
    expect(t.mock.requests.length).toBe(before);
  });

  it("REST: uses the stored Cohere key, never the API token", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      rest().chat.completions.create({
        model: "cohere/command-r",
        messages: [{ role: "user", content: "Hi" }],
      }),
    );
    expect(result.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(sent.headers.authorization).toBe(`Bearer ${stored.cohere}`);
    expect(JSON.stringify(sent.headers)).not.toContain(runToken);
  });

  it("REST: streams and carries a tool-call round trip with the openai SDK", async () => {
    const read = await readStream(
      await rest().chat.completions.create({
        model: "cohere/command-r",
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
      }),
    );
    expect(read.text).toBe(MOCK_TEXT);
    const { sentBody } = await toolRoundTrip(rest(), "cohere/command-r");
    expect(sentBody.messages.at(-1).role).toBe("tool");
  });

  it("REST /ai/v1/messages: answers a Cohere model in Anthropic's format", async () => {
    const client = new Anthropic({
      apiKey: runToken,
      baseURL: `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}/ai`,
      maxRetries: 0,
    });
    const message = await client.messages.create({
      model: "cohere/command-r",
      max_tokens: 100,
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(message.content[0]).toMatchObject({ type: "text", text: MOCK_TEXT });
    expect(message.usage.input_tokens).toBe(MOCK_USAGE.cohere.input);
    expect(t.mock.requests.at(-1)?.path).toBe("/v2/chat");
  });
});

describe("Azure OpenAI through the unified API", () => {
  it("compat: calls the deployment URL with api-key and the default api-version, without model in the body", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      compat()
        .chat.completions.create({ model: AZURE_MODEL, messages: [{ role: "user", content: "Hi" }] })
        .withResponse(),
    );
    expect(result.data.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(sent.path).toBe("/openai/deployments/gpt-4o-mini/chat/completions");
    expect(sent.query).toBe("api-version=2024-10-21");
    expect(sent.headers["api-key"]).toBe("sk-provider-key");
    expect(sent.headers.authorization).toBeUndefined();
    expect(JSON.parse(sent.body)).toEqual({ messages: [{ role: "user", content: "Hi" }] });
    const log = await t.waitForLog(result.response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "azure-openai",
      model: "my-resource/gpt-4o-mini",
      success: true,
      tokens_in: MOCK_USAGE.openai.input,
      tokens_out: MOCK_USAGE.openai.output,
      cost: null,
    });
  });

  it("compat: streams, with the api-version the caller set in cf-aig-azure-api-version, and logs the tokens", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      compat({ "cf-aig-azure-api-version": "2025-04-01-preview" })
        .chat.completions.create({
          model: AZURE_MODEL,
          messages: [{ role: "user", content: "Hi" }],
          stream: true,
        })
        .withResponse(),
    );
    const read = await readStream(result.data);
    const log = await t.waitForLog(result.response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "azure-openai",
      tokens_in: MOCK_USAGE.openai.input,
      tokens_out: MOCK_USAGE.openai.output,
    });
    expect(read.text).toBe(MOCK_TEXT);
    expect(read.finish).toBe("stop");
    expect(sent.query).toBe("api-version=2025-04-01-preview");
    expect(sent.headers["cf-aig-azure-api-version"]).toBeUndefined();
    expect(JSON.parse(sent.body).stream_options).toEqual({ include_usage: true });
  });

  it("compat: carries a tool-call round trip", async () => {
    const { calls, sentBody } = await toolRoundTrip(compat(), AZURE_MODEL);
    expect(sentBody.messages.slice(2)).toEqual(
      calls.map((call) => ({ role: "tool", tool_call_id: call.id, content: `sunny in ${call.id}` })),
    );
    expect(sentBody).not.toHaveProperty("model");
  });

  it.each([
    ["azure-openai/evil.example.com#/gpt-4o", "Invalid Azure resource name"],
    ["azure-openai/gpt-4o-mini", "azure-openai/{resource}/{deployment}"],
    ["azure-openai/res/dep%2F..", "Invalid Azure deployment name"],
  ])("compat: refuses %s with a 400 and calls nothing", async (model, message) => {
    const before = t.mock.requests.length;
    const error = await compat()
      .chat.completions.create({ model, messages: [{ role: "user", content: "Hi" }] })
      .catch((caught: unknown) => caught);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((error as Error).message).toContain(message);
    expect(t.mock.requests.length).toBe(before);
  });

  it("compat: refuses a malformed api-version with a 400", async () => {
    const error = await compat({ "cf-aig-azure-api-version": "2024-10-21&evil=1" })
      .chat.completions.create({ model: AZURE_MODEL, messages: [{ role: "user", content: "Hi" }] })
      .catch((caught: unknown) => caught);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((error as Error).message).toContain("api-version");
  });

  it("compat: returns Azure's error with its status", async () => {
    const error = await compat({ "x-mock-status": "429" })
      .chat.completions.create({ model: AZURE_MODEL, messages: [{ role: "user", content: "Hi" }] })
      .catch((caught: unknown) => caught);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
  });

  it("REST: uses the stored Azure key as api-key, plain, streamed and with tools", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      rest().chat.completions.create({ model: AZURE_MODEL, messages: [{ role: "user", content: "Hi" }] }),
    );
    expect(result.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(sent.headers["api-key"]).toBe(stored.azure);
    expect(JSON.stringify(sent.headers)).not.toContain(runToken);
    const read = await readStream(
      await rest().chat.completions.create({
        model: AZURE_MODEL,
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
      }),
    );
    expect(read.text).toBe(MOCK_TEXT);
    await toolRoundTrip(rest(), AZURE_MODEL);
  });
});
