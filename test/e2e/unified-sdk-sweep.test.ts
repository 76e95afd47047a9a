import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TEXT } from "../mock-upstream/server.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

/**
 * The official SDKs drive every unified provider through the gateway, as a user would: the `openai` SDK on
 * the compat surface (provider key in Authorization) and on the REST surface (API token, stored keys, the
 * role for Bedrock), the `@anthropic-ai/sdk` on `/ai/v1/messages`. For each provider: a plain answer, a
 * streamed one with usage, and a tool-call round trip (the model asks for two parallel calls, streamed; the
 * client sends the results back as the SDK hands them over; the model answers).
 */

/** [unified model, upstream path the mock must see] for every provider the unified API translates to. */
const PROVIDERS: Array<[string, RegExp]> = [
  ["openai/gpt-4o-mini", /^\/v1\/chat\/completions$/],
  ["anthropic/claude-sonnet-4-5", /^\/v1\/messages$/],
  ["google-ai-studio/gemini-2.5-flash", /^\/v1beta\/models\/gemini-2\.5-flash:(stream)?[gG]enerateContent$/],
  [
    "aws-bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0",
    /^\/model\/us\.anthropic\.[^/]+\/converse(-stream)?$/,
  ],
  ["groq/llama-3.3-70b-versatile", /^\/v1\/chat\/completions$/],
  ["mistral/mistral-large-latest", /^\/v1\/chat\/completions$/],
  ["deepseek/deepseek-chat", /^\/v1\/chat\/completions$/],
  ["grok/grok-4", /^\/v1\/chat\/completions$/],
  ["perplexity-ai/sonar", /^\/v1\/chat\/completions$/],
  ["cerebras/llama3.1-8b", /^\/v1\/chat\/completions$/],
  ["openrouter/meta-llama/llama-3.3-70b-instruct", /^\/v1\/chat\/completions$/],
  ["cohere/command-a-03-2025", /^\/v2\/chat$/],
  ["azure-openai/my-resource/gpt-4o-mini", /^\/openai\/deployments\/gpt-4o-mini\/chat\/completions$/],
];

const STORED_KEYS = PROVIDERS.map(([model]) => model.split("/")[0] ?? "").filter(
  (slug) => slug !== "aws-bedrock",
);

const RESULTS: Record<string, string> = { Paris: "14C, rain", Tokyo: "27C, humid" };

let t: TestGateway;
let runToken = "";

beforeAll(async () => {
  t = await startTestGateway();
  for (const slug of STORED_KEYS) {
    await t.storeProviderKey(slug, `stored-${slug}-key-0123456789`);
  }
  runToken = await t.createRunToken("sdk-sweep");
});

afterAll(async () => {
  await t.stop();
});

/** Runs `call` and returns its result with the one upstream request it made. */
const toolFixture = { headers: { "x-mock-fixture": "tool-call" } };

const weather: OpenAI.Chat.Completions.ChatCompletionFunctionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "The current weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

const SURFACES: Array<[string, () => OpenAI]> = [
  ["compat", () => t.compatClient()],
  ["REST /ai/v1", () => t.restClient(runToken)],
];

describe.each(SURFACES)("the openai SDK on the %s surface", (_surface, client) => {
  it.each(PROVIDERS)("%s: plain, streamed, and a tool-call round trip", async (model, upstreamPath) => {
    const openai = client();
    const question: OpenAI.Chat.Completions.ChatCompletionMessageParam = {
      role: "user",
      content: "Weather in Paris and Tokyo?",
    };

    const plain = await t.upstreamOf(() =>
      openai.chat.completions.create({ model, messages: [{ role: "user", content: "Hi" }], max_tokens: 50 }),
    );
    expect(plain.result.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(plain.result.choices[0]?.finish_reason).toBe("stop");
    expect(plain.sent.path).toMatch(upstreamPath);

    const streamed = await t.upstreamOf(async () => {
      const stream = await openai.chat.completions.create({
        model,
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = "";
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? "";
        usage ??= chunk.usage;
      }
      return { text, usage };
    });
    expect(streamed.result.text).toBe(MOCK_TEXT);
    expect(streamed.result.usage?.completion_tokens).toBeGreaterThan(0);
    expect(streamed.sent.path).toMatch(upstreamPath);

    // The model asks for two parallel calls, streamed; the SDK assembles them from the deltas.
    const asked = await t.upstreamOf(() =>
      openai.chat.completions
        .stream({ model, messages: [question], tools: [weather], max_tokens: 200 }, toolFixture)
        .finalChatCompletion(),
    );
    const request = asked.result.choices[0]?.message;
    expect(asked.result.choices[0]?.finish_reason).toBe("tool_calls");
    const calls = (request?.tool_calls ?? []).flatMap((call) => (call.type === "function" ? [call] : []));
    expect(calls.map((call) => [call.function.name, JSON.parse(call.function.arguments)])).toEqual([
      ["get_weather", { city: "Paris" }],
      ["get_weather", { city: "Tokyo" }],
    ]);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);

    // The client answers with the assistant message as the SDK gave it, and one tool message per call.
    if (!request) throw new Error("no assistant message");
    const answered = await t.upstreamOf(() =>
      openai.chat.completions.create({
        model,
        tools: [weather],
        max_tokens: 200,
        messages: [
          question,
          request,
          ...calls.map((call) => ({
            role: "tool" as const,
            tool_call_id: call.id,
            content: RESULTS[JSON.parse(call.function.arguments).city] ?? "",
          })),
        ],
      }),
    );
    expect(answered.result.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(answered.sent.body).toContain(JSON.stringify(RESULTS.Paris));
    expect(answered.sent.body).toContain(JSON.stringify(RESULTS.Tokyo));
  });
});

describe("the @anthropic-ai/sdk on /ai/v1/messages", () => {
  const tools: Anthropic.Tool[] = [
    {
      name: "get_weather",
      description: "The current weather in a city",
      input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  ];

  // One model per translator (the OpenAI-compatible family shares openai's): OpenAI and Gemini as the issue
  // asks, and the others because they cost little.
  const ONE_PER_TRANSLATOR = /^(openai|anthropic|google-ai-studio|aws-bedrock|cohere)\//;

  it.each(PROVIDERS.filter(([model]) => ONE_PER_TRANSLATOR.test(model)))(
    "%s: plain, streamed, and a tool-call round trip",
    async (model, upstreamPath) => {
      const anthropic = new Anthropic({
        apiKey: runToken,
        baseURL: `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}/ai`,
        maxRetries: 0,
      });
      const question: Anthropic.MessageParam = { role: "user", content: "Weather in Paris and Tokyo?" };

      const plain = await t.upstreamOf(() =>
        anthropic.messages.create({ model, max_tokens: 50, messages: [{ role: "user", content: "Hi" }] }),
      );
      expect(plain.result.content).toEqual([expect.objectContaining({ type: "text", text: MOCK_TEXT })]);
      expect(plain.result.stop_reason).toBe("end_turn");
      expect(plain.sent.path).toMatch(upstreamPath);

      const streamed = await t.upstreamOf(() =>
        anthropic.messages
          .stream({ model, max_tokens: 50, messages: [{ role: "user", content: "Hi" }] })
          .finalMessage(),
      );
      expect(streamed.result.content).toEqual([expect.objectContaining({ type: "text", text: MOCK_TEXT })]);
      expect(streamed.result.usage.output_tokens).toBeGreaterThan(0);

      const asked = await t.upstreamOf(() =>
        anthropic.messages
          .stream({ model, max_tokens: 200, tools, messages: [question] }, toolFixture)
          .finalMessage(),
      );
      expect(asked.result.stop_reason).toBe("tool_use");
      const uses = asked.result.content.flatMap((block) => (block.type === "tool_use" ? [block] : []));
      expect(uses.map((use) => [use.name, use.input])).toEqual([
        ["get_weather", { city: "Paris" }],
        ["get_weather", { city: "Tokyo" }],
      ]);

      const answered = await t.upstreamOf(() =>
        anthropic.messages.create({
          model,
          max_tokens: 200,
          tools,
          messages: [
            question,
            { role: "assistant", content: asked.result.content },
            {
              role: "user",
              content: uses.map((use) => ({
                type: "tool_result" as const,
                tool_use_id: use.id,
                content: RESULTS[(use.input as { city: string }).city] ?? "",
              })),
            },
          ],
        }),
      );
      expect(answered.result.content).toEqual([expect.objectContaining({ type: "text", text: MOCK_TEXT })]);
      expect(answered.sent.body).toContain(JSON.stringify(RESULTS.Paris));
      expect(answered.sent.body).toContain(JSON.stringify(RESULTS.Tokyo));
    },
  );
});

describe("a provider failing mid-stream, as the SDKs see it", () => {
  it("the openai SDK gets the text sent so far, then throws the provider's error", async () => {
    const openai = SURFACES[0]?.[1]();
    if (!openai) throw new Error("no compat client");
    const stream = await openai.chat.completions.create(
      { model: "anthropic/claude-sonnet-4-5", messages: [{ role: "user", content: "Hi" }], stream: true },
      { headers: { "x-mock-fixture": "mid-stream-error" } },
    );
    let received = "";
    const failure = await (async () => {
      for await (const chunk of stream) received += chunk.choices[0]?.delta.content ?? "";
    })().catch((error: unknown) => error);
    expect(received).toBe("Partial");
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as Error).message).toContain("Overloaded");
  });

  it("the Anthropic SDK gets the text sent so far, then throws the provider's error", async () => {
    const anthropic = new Anthropic({
      apiKey: runToken,
      baseURL: `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}/ai`,
      maxRetries: 0,
    });
    const stream = anthropic.messages.stream(
      { model: "openai/gpt-4o-mini", max_tokens: 50, messages: [{ role: "user", content: "Hi" }] },
      { headers: { "x-mock-fixture": "mid-stream-error" } },
    );
    let received = "";
    stream.on("text", (delta) => {
      received += delta;
    });
    const failure = await stream.finalMessage().catch((error: unknown) => error);
    expect(received).toBe("Partial");
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain("The server had an error");
  });
});
