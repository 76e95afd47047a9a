import type OpenAI from "openai";
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

const client = (headers: Record<string, string> = {}) => t.compatClient(undefined, headers);

const weather: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "The weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

const toolHistory: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Weather in Paris?" },
  {
    role: "assistant",
    content: null,
    tool_calls: [
      { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
    ],
  },
  { role: "tool", tool_call_id: "call_1", content: "18C, sunny" },
];

describe("compat surface with the openai SDK", () => {
  it("drives an OpenAI model and logs provider, model, tokens and cost", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      client()
        .chat.completions.create({
          model: "openai/gpt-4o-mini",
          messages: [{ role: "user", content: "Hi" }],
        })
        .withResponse(),
    );
    expect(result.data.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.headers.authorization).toBe("Bearer sk-provider-key");
    expect(JSON.parse(sent.body)).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hi" }],
    });

    const log = await t.waitForLog(result.response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      path: `/v1/${t.gateway.accountId}/default/compat/chat/completions`,
      status_code: 200,
      success: true,
      tokens_in: MOCK_USAGE.openai.input,
      tokens_out: MOCK_USAGE.openai.output,
    });
    expect(log.cost).toBeGreaterThan(0);
    expect(JSON.stringify(log)).not.toContain("sk-provider-key");
  });

  it("streams an OpenAI model, always asking upstream for usage and dropping it for the client", async () => {
    const { result: stream, sent } = await t.upstreamOf(() =>
      client().chat.completions.create({
        model: "openai/gpt-4o-mini",
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
      }),
    );
    let text = "";
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usageChunks++;
    }
    expect(text).toBe(MOCK_TEXT);
    expect(usageChunks).toBe(0);
    expect(JSON.parse(sent.body).stream_options).toEqual({ include_usage: true });
  });

  it("logs the usage of a stream the client took without usage", async () => {
    const { data: stream, response } = await client()
      .chat.completions.create({
        model: "groq/llama-3.3-70b-versatile",
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
      })
      .withResponse();
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe(MOCK_TEXT);
    expect(t.mock.requests.at(-1)?.path).toBe("/v1/chat/completions");
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "groq",
      model: "llama-3.3-70b-versatile",
      response_content_type: expect.stringContaining("text/event-stream"),
      tokens_in: MOCK_USAGE.openai.input,
      tokens_out: MOCK_USAGE.openai.output,
    });
  });

  it("drives an Anthropic model: x-api-key, Messages body, translated usage", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      client()
        .chat.completions.create({
          model: "anthropic/claude-sonnet-4-5",
          messages: [
            { role: "system", content: "Be brief." },
            { role: "user", content: "Hi" },
          ],
          max_tokens: 100,
          temperature: 0.5,
        })
        .withResponse(),
    );
    expect(result.data.choices[0]?.message.content).toBe(MOCK_TEXT);
    const usage = MOCK_USAGE.anthropic;
    expect(result.data.usage?.prompt_tokens).toBe(usage.input + usage.cacheRead + usage.cacheCreation);
    expect(sent.path).toBe("/v1/messages");
    expect(sent.headers["x-api-key"]).toBe("sk-provider-key");
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.headers["anthropic-version"]).toBeTruthy();
    expect(JSON.parse(sent.body)).toEqual({
      model: "claude-sonnet-4-5",
      system: "Be brief.",
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 100,
      temperature: 0.5,
    });
    const log = await t.waitForLog(result.response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      tokens_in: usage.input + usage.cacheRead + usage.cacheCreation,
      cache_read_tokens: usage.cacheRead,
      cache_write_tokens: usage.cacheCreation,
    });
  });

  it("streams an Anthropic model and gives usage when the client asks", async () => {
    const stream = await client().chat.completions.create({
      model: "anthropic/claude-sonnet-4-5",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(MOCK_TEXT);
    expect(finish).toBe("stop");
    expect(usage?.completion_tokens).toBe(MOCK_USAGE.anthropic.output);
  });

  it("re-encodes the provider stream chunk by chunk, as the provider sends it", async () => {
    const stream = await client({ "x-mock-chunk-delay-ms": "200" }).chat.completions.create({
      model: "anthropic/claude-sonnet-4-5",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
    });
    const arrivals: number[] = [];
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) arrivals.push(performance.now());
    }
    expect(arrivals.length).toBe(5);
    const gaps = arrivals.slice(1).map((time, index) => time - (arrivals[index] ?? 0));
    gaps.sort((a, b) => a - b);
    expect(gaps[Math.floor(gaps.length / 2)]).toBeGreaterThan(150);
  });

  it("drives a Gemini model, plain and streaming, with x-goog-api-key", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      client().chat.completions.create({
        model: "google-ai-studio/gemini-2.5-flash",
        messages: [{ role: "user", content: "Hi" }],
      }),
    );
    expect(result.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(result.usage?.prompt_tokens).toBe(MOCK_USAGE["google-ai-studio"].input);
    expect(sent.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(sent.headers["x-goog-api-key"]).toBe("sk-provider-key");
    expect(JSON.parse(sent.body)).toMatchObject({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] });

    const streamed = await t.upstreamOf(() =>
      client().chat.completions.create({
        model: "google-ai-studio/gemini-2.5-flash",
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
      }),
    );
    let text = "";
    for await (const chunk of streamed.result) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe(MOCK_TEXT);
    expect(streamed.sent.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    expect(streamed.sent.query).toBe("alt=sse");
  });

  it("drives a Bedrock model, plain and streaming, signed with SigV4 by the gateway", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      client()
        .chat.completions.create({
          model: "aws-bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0",
          messages: [{ role: "user", content: "Hi" }],
          max_tokens: 50,
        })
        .withResponse(),
    );
    expect(result.data.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(sent.path).toBe(
      `/model/${encodeURIComponent("us.anthropic.claude-haiku-4-5-20251001-v1:0")}/converse`,
    );
    expect(sent.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=/);
    expect(JSON.stringify(sent.headers)).not.toContain("sk-provider-key");
    expect(JSON.parse(sent.body)).toEqual({
      messages: [{ role: "user", content: [{ text: "Hi" }] }],
      inferenceConfig: { maxTokens: 50 },
    });
    const log = await t.waitForLog(result.response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "aws-bedrock",
      model: "us.anthropic.claude-haiku-4-5-20251001-v1:0",
      tokens_in: MOCK_USAGE["aws-bedrock"].input,
      tokens_out: MOCK_USAGE["aws-bedrock"].output,
    });

    const streamed = await t.upstreamOf(() =>
      client().chat.completions.create({
        model: "aws-bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0",
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of streamed.result) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(MOCK_TEXT);
    expect(usage?.prompt_tokens).toBe(MOCK_USAGE["aws-bedrock"].input);
    expect(streamed.sent.path).toMatch(/\/converse-stream$/);
    expect(streamed.sent.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  });

  it("carries a tool-call round trip to each provider in its own format", async () => {
    const tools = [weather];
    const anthropicSent = await t.upstreamOf(() =>
      client().chat.completions.create({
        model: "anthropic/claude-sonnet-4-5",
        messages: toolHistory,
        tools,
      }),
    );
    expect(anthropicSent.result.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(JSON.parse(anthropicSent.sent.body)).toMatchObject({
      system: "Be brief.",
      tools: [{ name: "get_weather", input_schema: weather.function.parameters }],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } }],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1" }] },
      ],
    });

    const gemini = await t.upstreamOf(() =>
      client().chat.completions.create({
        model: "google-ai-studio/gemini-2.5-flash",
        messages: toolHistory,
        tools,
        tool_choice: "required",
      }),
    );
    const geminiBody = JSON.parse(gemini.sent.body);
    expect(geminiBody.tools[0].functionDeclarations[0].name).toBe("get_weather");
    expect(geminiBody.toolConfig.functionCallingConfig.mode).toBe("ANY");
    expect(geminiBody.contents[1].parts[0].functionCall).toEqual({
      name: "get_weather",
      args: { city: "Paris" },
    });
    expect(geminiBody.contents[2].parts[0].functionResponse.name).toBe("get_weather");

    const bedrock = await t.upstreamOf(() =>
      client().chat.completions.create({
        model: "aws-bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0",
        messages: toolHistory,
        tools,
      }),
    );
    const bedrockBody = JSON.parse(bedrock.sent.body);
    expect(bedrockBody.toolConfig.tools[0].toolSpec.name).toBe("get_weather");
    expect(bedrockBody.messages[1].content[0].toolUse).toMatchObject({
      toolUseId: "call_1",
      name: "get_weather",
    });
    expect(bedrockBody.messages[2].content[0].toolResult).toMatchObject({ toolUseId: "call_1" });

    const openai = await t.upstreamOf(() =>
      client().chat.completions.create({ model: "openai/gpt-4o-mini", messages: toolHistory, tools }),
    );
    expect(JSON.parse(openai.sent.body)).toMatchObject({ messages: toolHistory, tools });
  });
});
