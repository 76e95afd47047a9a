import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TEXT, MOCK_TEXT_PIECES, MOCK_USAGE } from "../mock-upstream/server.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let runToken = "";
const storedOpenAIKey = "sk-stored-openai-0123456789abcdef";

beforeAll(async () => {
  t = await startTestGateway();
  await t.storeProviderKey("openai", storedOpenAIKey);
  await t.storeProviderKey("anthropic", "sk-ant-stored-0123456789");
  runToken = await t.createRunToken();
});

afterAll(async () => {
  await t.stop();
});

const rest = () => t.restClient(runToken);

const compat = () => t.compatClient();

const weatherTool: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "The weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};

describe("Responses API for OpenAI models: OpenAI's /v1/responses natively", () => {
  it("passes the body on with only the prefix taken off the model, and logs Responses usage", async () => {
    const { data, response } = await rest()
      .responses.create({
        model: "openai/gpt-4o-mini",
        input: "Hi",
        instructions: "Be brief.",
        previous_response_id: "resp_earlier",
        store: true,
      })
      .withResponse();
    expect(data.output_text).toBe(MOCK_TEXT);
    const sent = t.mock.requests.at(-1);
    expect(sent?.path).toBe("/v1/responses");
    expect(sent?.headers.authorization).toBe(`Bearer ${storedOpenAIKey}`);
    expect(JSON.parse(sent?.body ?? "{}")).toEqual({
      model: "gpt-4o-mini",
      input: "Hi",
      instructions: "Be brief.",
      previous_response_id: "resp_earlier",
      store: true,
    });
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      success: true,
      tokens_in: 12,
      tokens_out: 5,
    });
    expect(log.cost).toBeGreaterThan(0);
  });

  it("streams OpenAI's events through as they come, on the compat surface", async () => {
    const stream = await compat().responses.create({
      model: "openai/gpt-4o-mini",
      input: "Hi",
      stream: true,
    });
    const types: string[] = [];
    const deltas: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") deltas.push(event.delta);
    }
    expect(deltas).toEqual([...MOCK_TEXT_PIECES]);
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    const sent = t.mock.requests.at(-1);
    expect(sent?.headers.authorization).toBe("Bearer sk-provider-key");
    expect(JSON.parse(sent?.body ?? "{}")).toEqual({ model: "gpt-4o-mini", input: "Hi", stream: true });
  });
});

describe("Responses API for OpenAI models: failures", () => {
  it("relays OpenAI's error with its status", async () => {
    const error = await compat()
      .responses.create({ model: "openai/gpt-4o-mini", input: "Hi" }, { headers: { "x-mock-status": "429" } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it("hands over the events sent before OpenAI cut the stream, ends it with an error event, and logs the failure", async () => {
    const response = await fetch(`${t.gateway.url}/v1/${t.gateway.accountId}/default/compat/responses`, {
      method: "POST",
      headers: {
        ...t.gatewayAuth,
        authorization: "Bearer sk-x",
        "content-type": "application/json",
        "x-mock-cut-after": "2",
      },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", input: "Hi", stream: true }),
    });
    expect(response.status).toBe(200);
    // The stream ends cleanly (no broken connection) with the Responses API's error event (docs/resilience.md).
    const received = await response.text();
    const deltas = received
      .split("\n\n")
      .filter((event) => event.startsWith("event: response.output_text.delta"));
    expect(deltas).toHaveLength(2);
    expect(received.trim().split("\n\n").at(-1)?.split("\n")[0]).toBe("event: error");
    expect(received).not.toContain("response.completed");
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ provider: "openai", success: false, error: { code: 7009 } });
  });
});

describe("Responses API for other providers: bridged through the chat translators", () => {
  it("answers an Anthropic model with a response object, and logs Anthropic's own usage", async () => {
    const { data, response } = await rest()
      .responses.create({
        model: "anthropic/claude-sonnet-4-5",
        instructions: "Be brief.",
        input: [{ role: "user", content: [{ type: "input_text", text: "Hi" }] }],
        max_output_tokens: 300,
        temperature: 0.2,
      })
      .withResponse();
    expect(data.object).toBe("response");
    expect(data.status).toBe("completed");
    expect(data.output_text).toBe(MOCK_TEXT);
    expect(data.instructions).toBe("Be brief.");
    expect(data.usage).toMatchObject({
      input_tokens:
        MOCK_USAGE.anthropic.input + MOCK_USAGE.anthropic.cacheRead + MOCK_USAGE.anthropic.cacheCreation,
      input_tokens_details: { cached_tokens: MOCK_USAGE.anthropic.cacheRead },
      output_tokens: MOCK_USAGE.anthropic.output,
    });
    const sent = JSON.parse(t.mock.requests.at(-1)?.body ?? "{}");
    expect(t.mock.requests.at(-1)?.path).toBe("/v1/messages");
    expect(sent).toMatchObject({
      model: "claude-sonnet-4-5",
      system: "Be brief.",
      max_tokens: 300,
      temperature: 0.2,
      messages: [{ role: "user", content: "Hi" }],
    });
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ provider: "anthropic", model: "claude-sonnet-4-5", success: true });
    expect(log.tokens_out).toBe(MOCK_USAGE.anthropic.output);
  });

  it("streams a Gemini model as the Responses event sequence", async () => {
    const stream = await compat().responses.create({
      model: "google-ai-studio/gemini-2.5-flash",
      input: "Hi",
      stream: true,
    });
    const types: string[] = [];
    let text = "";
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") completed = event.response;
    }
    expect(text).toBe(MOCK_TEXT);
    expect(types.slice(0, 4)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
    ]);
    expect(types.slice(-4)).toEqual([
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(completed?.usage).toMatchObject({
      input_tokens: MOCK_USAGE["google-ai-studio"].input,
      output_tokens: MOCK_USAGE["google-ai-studio"].output,
    });
    expect(t.mock.requests.at(-1)?.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
  });

  it("bridges function tools and the function_call / function_call_output round trip", async () => {
    await compat().responses.create({
      model: "anthropic/claude-sonnet-4-5",
      tools: [weatherTool],
      tool_choice: { type: "function", name: "get_weather" },
      input: [
        { role: "user", content: "Weather in Paris?" },
        { type: "function_call", call_id: "toolu_1", name: "get_weather", arguments: '{"city":"Paris"}' },
        { type: "function_call_output", call_id: "toolu_1", output: "18C, sunny" },
      ],
    });
    const sent = JSON.parse(t.mock.requests.at(-1)?.body ?? "{}");
    expect(sent.tools).toEqual([
      { name: "get_weather", description: "The weather in a city", input_schema: weatherTool.parameters },
    ]);
    expect(sent.tool_choice).toEqual({ type: "tool", name: "get_weather" });
    expect(sent.messages).toEqual([
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } }],
      },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "18C, sunny" }],
      },
    ]);
  });

  it("answers a provider's tool call with function_call output items", async () => {
    const response = await compat().responses.create(
      { model: "anthropic/claude-sonnet-4-5", input: "Weather in Paris?", tools: [weatherTool] },
      { headers: { "x-mock-fixture": "tool-call" } },
    );
    const call = response.output.find((item) => item.type === "function_call");
    expect(call).toMatchObject({
      type: "function_call",
      name: expect.any(String),
      call_id: expect.any(String),
    });
    expect(() => JSON.parse((call as { arguments: string }).arguments)).not.toThrow();
  });
});

describe("Responses API: a bridged provider failing mid-stream", () => {
  it("gets the text sent so far, then an error event naming the provider's error, and the stream ends", async () => {
    const stream = await compat().responses.create(
      { model: "anthropic/claude-sonnet-4-5", input: "Hi", stream: true },
      { headers: { "x-mock-fixture": "mid-stream-error" } },
    );
    let received = "";
    const events: string[] = [];
    let error: { code: unknown; message: unknown } | undefined;
    for await (const event of stream) {
      events.push(event.type);
      if (event.type === "response.output_text.delta") received += event.delta;
      if (event.type === "error") error = { code: event.code, message: event.message };
    }
    expect(received).toBe("Partial");
    expect(events.at(-1)).toBe("error");
    expect(events).not.toContain("response.completed");
    expect(String(error?.message)).toContain("Overloaded");
  });
});

describe("Responses API bad input: a 400 naming the problem, logged, nothing upstream", () => {
  it.each([
    ["previous_response_id", { previous_response_id: "resp_1" }, /previous_response_id/],
    ["store: true", { store: true }, /store/],
    ["a built-in tool", { tools: [{ type: "web_search" }] }, /web_search/],
    ["reasoning", { reasoning: { effort: "high" } }, /reasoning/],
    ["background", { background: true }, /background/],
  ])("refuses %s for a non-OpenAI model", async (_name, extra, message) => {
    const before = t.mock.requests.length;
    const response = await fetch(`${t.gateway.url}/v1/${t.gateway.accountId}/default/compat/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-x", ...t.gatewayAuth },
      body: JSON.stringify({ model: "anthropic/claude-sonnet-4-5", input: "Hi", ...extra }),
    });
    const body = (await response.json()) as { error: { message: string; type: string } };
    expect(response.status).toBe(400);
    expect(body.error.message).toMatch(message);
    expect(body.error.type).toBe("invalid_request_error");
    expect(t.mock.requests.length).toBe(before);
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ status_code: 400, success: false, provider: null });
  });
});

describe("Responses API gateway access", () => {
  it("refuses the compat surface of an authenticated gateway without cf-aig-authorization, nothing sent upstream", async () => {
    const before = t.mock.requests.length;
    const error = await new OpenAI({
      apiKey: "sk-provider-key",
      baseURL: t.compatUrl(),
      maxRetries: 0,
    }).responses
      .create({ model: "anthropic/claude-sonnet-4-5", input: "Hi" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(t.mock.requests.length).toBe(before);
  });

  it("refuses the REST surface without a run token", async () => {
    const error = await new OpenAI({
      apiKey: "not-a-token",
      baseURL: t.restUrl,
      maxRetries: 0,
    }).responses
      .create({ model: "openai/gpt-4o-mini", input: "Hi" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
