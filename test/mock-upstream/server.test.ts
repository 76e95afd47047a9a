import Anthropic from "@anthropic-ai/sdk";
import { InvokeModelWithResponseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bedrockSdkClient } from "../support/bedrock-sdk-client.ts";
import {
  decodeEventStream,
  MOCK_BEDROCK_LATENCY_MS,
  MOCK_EMBEDDING_DIMENSIONS,
  MOCK_TEXT,
  MOCK_USAGE,
  MOCK_WIRE_USAGE,
  type MockUpstream,
  mockText,
  startMockUpstream,
} from "./server.ts";

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream();
});

afterAll(async () => {
  await mock.close();
});

const sigv4 = "AWS4-HMAC-SHA256 Credential=AKIDMOCK/20250101/us-east-1/bedrock/aws4_request, Signature=00";

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${mock.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

async function sseEvents(response: Response): Promise<EventSourceMessage[]> {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  parser.feed(await response.text());
  return events;
}

function openaiClient(headers: Record<string, string> = {}): OpenAI {
  return new OpenAI({ apiKey: "sk-mock", baseURL: `${mock.url}/v1`, maxRetries: 0, defaultHeaders: headers });
}

function anthropicClient(): Anthropic {
  return new Anthropic({ apiKey: "sk-ant-mock", baseURL: mock.url, maxRetries: 0 });
}

describe("OpenAI", () => {
  it("answers a chat completion through the SDK", async () => {
    const completion = await openaiClient().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(completion.model).toBe("gpt-4o-mini");
    expect(completion.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(completion.usage).toMatchObject(MOCK_WIRE_USAGE.openai);
  });

  it("streams chunk by chunk, honouring x-mock-chunk-delay-ms", async () => {
    const client = openaiClient({ "x-mock-chunk-delay-ms": "200" });
    const started = performance.now();
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const times: number[] = [];
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      times.push(performance.now());
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
      expect(chunk.model).toBe("gpt-4o-mini");
    }
    expect(text).toBe(MOCK_TEXT);
    expect(usage).toMatchObject(MOCK_WIRE_USAGE.openai);
    // role chunk + 5 content chunks + finish chunk + usage chunk
    expect(times).toHaveLength(8);
    // The last chunk cannot arrive before the delays between the chunks have passed. Gaps are not compared
    // one by one: a busy client can read two chunks in one turn of its event loop though they left 200 ms apart.
    expect((times.at(-1) ?? 0) - started).toBeGreaterThanOrEqual((times.length - 1) * 200 - 5);
  });

  it("sends data: [DONE] and no usage chunk unless asked", async () => {
    const response = await post(
      "/v1/chat/completions",
      { model: "llama-3.1-8b-instant", stream: true, messages: [] },
      { authorization: "Bearer gsk-mock", "x-mock-chunks": "3" },
    );
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("content-length")).toBeNull();
    const events = await sseEvents(response);
    expect(events.at(-1)?.data).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data));
    expect(chunks).toHaveLength(5);
    expect(chunks.every((chunk) => !("usage" in chunk))).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0].delta.content ?? "").join("")).toBe(mockText(3));
  });

  it("answers embeddings, base64 by default in the SDK", async () => {
    const result = await openaiClient().embeddings.create({
      model: "text-embedding-3-small",
      input: ["a", "b"],
    });
    expect(result.data).toHaveLength(2);
    expect(result.data[1]?.embedding).toHaveLength(MOCK_EMBEDDING_DIMENSIONS);
    expect(result.usage.prompt_tokens).toBe(8);
  });
});

describe("Anthropic", () => {
  it("answers a message through the SDK with cache tokens", async () => {
    const message = await anthropicClient().messages.create({
      model: "claude-mock-1",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message.model).toBe("claude-mock-1");
    expect(message.content[0]).toMatchObject({ type: "text", text: MOCK_TEXT });
    expect(message.usage).toMatchObject(MOCK_WIRE_USAGE.anthropic);
  });

  it("streams the documented events; finalMessage usage equals the constants", async () => {
    const stream = anthropicClient().messages.stream({
      model: "claude-mock-1",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    });
    const types: string[] = [];
    stream.on("streamEvent", (event) => types.push(event.type));
    const final = await stream.finalMessage();
    expect(types).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(final.content[0]).toMatchObject({ type: "text", text: MOCK_TEXT });
    expect(final.usage).toMatchObject({
      input_tokens: MOCK_USAGE.anthropic.input,
      output_tokens: MOCK_USAGE.anthropic.output,
      cache_read_input_tokens: MOCK_USAGE.anthropic.cacheRead,
      cache_creation_input_tokens: MOCK_USAGE.anthropic.cacheCreation,
    });
  });

  it("writes event: lines, including ping", async () => {
    const response = await post(
      "/v1/messages",
      { model: "claude-haiku-4-5", stream: true, max_tokens: 8, messages: [] },
      { "x-api-key": "sk-ant-mock" },
    );
    const events = await sseEvents(response);
    expect(events.map((event) => event.event)).toContain("ping");
    for (const event of events) expect(JSON.parse(event.data).type).toBe(event.event);
  });
});

describe("Google AI Studio", () => {
  it("streams SSE records with cumulative usageMetadata", async () => {
    const response = await post(
      "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
      { contents: [{ parts: [{ text: "hi" }] }] },
      { "x-goog-api-key": "AIza-mock" },
    );
    expect(response.status).toBe(200);
    const records = (await sseEvents(response)).map((event) => JSON.parse(event.data));
    expect(records).toHaveLength(5);
    expect(records.map((record) => record.candidates[0].content.parts[0].text).join("")).toBe(MOCK_TEXT);
    expect(records.at(-1).candidates[0].finishReason).toBe("STOP");
    expect(records.at(-1).usageMetadata).toMatchObject(MOCK_WIRE_USAGE["google-ai-studio"]);
    expect(records.at(-1).modelVersion).toBe("gemini-2.0-flash");
  });

  it("answers generateContent with ?key= and streams a JSON array without alt=sse", async () => {
    const plain = await post("/v1beta/models/gemini-2.0-flash:generateContent?key=AIza-mock", {});
    const body = await plain.json();
    expect(body.candidates[0].content.parts[0].text).toBe(MOCK_TEXT);
    expect(body.usageMetadata).toMatchObject(MOCK_WIRE_USAGE["google-ai-studio"]);

    const array = await post("/v1beta/models/gemini-2.0-flash:streamGenerateContent?key=AIza-mock", {});
    expect(await array.json()).toHaveLength(5);
  });
});

describe("AWS Bedrock", () => {
  it("answers converse", async () => {
    const response = await post(
      "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
      { messages: [{ role: "user", content: [{ text: "hi" }] }] },
      { authorization: sigv4 },
    );
    const body = await response.json();
    expect(body.output.message.content[0].text).toBe(MOCK_TEXT);
    expect(body.stopReason).toBe("end_turn");
    expect(body.usage).toEqual(MOCK_WIRE_USAGE["aws-bedrock"]);
    expect(body.metrics).toEqual({ latencyMs: MOCK_BEDROCK_LATENCY_MS });
  });

  it("streams event-stream frames that EventStreamCodec decodes into the documented events", async () => {
    const response = await post(
      "/model/amazon.nova-micro-v1%3A0/converse-stream",
      { messages: [] },
      { authorization: sigv4 },
    );
    expect(response.headers.get("content-type")).toBe("application/vnd.amazon.eventstream");
    const bytes = new Uint8Array(await response.arrayBuffer());
    const codec = new EventStreamCodec(toUtf8, fromUtf8);
    const events: Array<{ type: unknown; payload: Record<string, unknown> }> = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let offset = 0; offset < bytes.byteLength; ) {
      const length = view.getUint32(offset);
      const message = codec.decode(bytes.subarray(offset, offset + length));
      expect(message.headers[":message-type"]?.value).toBe("event");
      expect(message.headers[":content-type"]?.value).toBe("application/json");
      events.push({ type: message.headers[":event-type"]?.value, payload: JSON.parse(toUtf8(message.body)) });
      offset += length;
    }
    expect(events.map((event) => event.type)).toEqual([
      "messageStart",
      ...Array(5).fill("contentBlockDelta"),
      "contentBlockStop",
      "messageStop",
      "metadata",
    ]);
    expect(events[0]?.payload).toEqual({ role: "assistant" });
    const text = events
      .filter((event) => event.type === "contentBlockDelta")
      .map((event) => (event.payload.delta as { text: string }).text)
      .join("");
    expect(text).toBe(MOCK_TEXT);
    expect(events.at(-1)?.payload).toEqual({
      usage: MOCK_WIRE_USAGE["aws-bedrock"],
      metrics: { latencyMs: MOCK_BEDROCK_LATENCY_MS },
    });
    expect(decodeEventStream(bytes).map((event) => event.eventType)).toEqual(
      events.map((event) => event.type),
    );
  });
});

describe("AWS Bedrock InvokeModelWithResponseStream (Claude)", () => {
  it("streams Anthropic's events as chunk frames the AWS SDK decodes, metrics on the last", async () => {
    const { client } = bedrockSdkClient(mock.url);
    const answer = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: "anthropic.claude-3-haiku-20240307-v1:0",
        contentType: "application/json",
        body: JSON.stringify({ anthropic_version: "bedrock-2023-05-31", max_tokens: 9, messages: [] }),
      }),
    );
    const events: Record<string, unknown>[] = [];
    for await (const part of answer.body ?? []) {
      events.push(JSON.parse(new TextDecoder().decode(part.chunk?.bytes)) as Record<string, unknown>);
    }
    expect(events.map((event) => event.type)).toEqual([
      "message_start",
      "content_block_start",
      ...Array(5).fill("content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const text = events.map((event) => (event.delta as { text?: string } | undefined)?.text ?? "").join("");
    expect(text).toBe(MOCK_TEXT);
    expect(events.at(-1)?.["amazon-bedrock-invocationMetrics"]).toMatchObject({
      inputTokenCount: MOCK_USAGE["aws-bedrock"].input,
      outputTokenCount: MOCK_USAGE["aws-bedrock"].output,
    });
  });

  it("refuses a model family whose native body it does not speak, as Bedrock refuses a bad request", async () => {
    const response = await post(
      "/model/meta.llama3-8b-instruct-v1%3A0/invoke",
      { prompt: "hi" },
      { authorization: sigv4 },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")).toMatch(/^ValidationException/);
  });
});

describe("Cohere", () => {
  it("answers /v2/chat with billed_units and tokens", async () => {
    const response = await post(
      "/v2/chat",
      { model: "command-a-03-2025", messages: [{ role: "user", content: "hi" }] },
      { authorization: "Bearer co-mock" },
    );
    const body = await response.json();
    expect(body.message.content[0].text).toBe(MOCK_TEXT);
    expect(body.usage).toEqual(MOCK_WIRE_USAGE.cohere);
  });
});

describe("controls", () => {
  it("x-mock-status: 429 answers 429 with retry-after and the provider's error body", async () => {
    const openaiResponse = await post(
      "/v1/chat/completions",
      { model: "gpt-4o-mini", messages: [] },
      { authorization: "Bearer sk-mock", "x-mock-status": "429" },
    );
    expect(openaiResponse.status).toBe(429);
    expect(openaiResponse.headers.get("retry-after")).toBe("1");
    expect((await openaiResponse.json()).error).toMatchObject({
      type: "requests",
      code: "rate_limit_exceeded",
    });

    const anthropicResponse = await post("/v1/messages", {}, { "x-api-key": "k", "x-mock-status": "529" });
    expect(anthropicResponse.status).toBe(529);
    expect(await anthropicResponse.json()).toMatchObject({
      type: "error",
      error: { type: "overloaded_error" },
    });

    const bedrockResponse = await post(
      "/model/m/converse",
      {},
      { authorization: sigv4, "x-mock-status": "429" },
    );
    expect(bedrockResponse.headers.get("x-amzn-errortype")).toMatch(/^ThrottlingException/);
    expect(bedrockResponse.headers.get("retry-after")).toBe("1");
  });

  it("answers 401 with each provider's error body when the credential is missing", async () => {
    const cases: Array<[string, (body: Record<string, unknown>) => void]> = [
      ["/v1/chat/completions", (body) => expect(body).toHaveProperty("error.message")],
      ["/v1/messages", (body) => expect(body).toMatchObject({ error: { type: "authentication_error" } })],
      ["/v1beta/models/g:generateContent", (body) => expect(body).toMatchObject({ error: { code: 401 } })],
      ["/model/m/converse", (body) => expect(body).toHaveProperty("message")],
      ["/v2/chat", (body) => expect(body).toHaveProperty("message")],
    ];
    for (const [path, check] of cases) {
      const response = await post(path, {});
      expect(response.status, path).toBe(401);
      check(await response.json());
    }
    const unsigned = await post("/model/m/converse", {}, { authorization: "Bearer not-sigv4" });
    expect(unsigned.status).toBe(401);
  });

  it("answers 404 in OpenAI shape for unknown paths", async () => {
    const response = await post("/v1/nope", {}, { authorization: "Bearer sk-mock" });
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toContain("/v1/nope");
  });

  it("reads a target that starts with // as a path (404 naming it), not as another host", async () => {
    const response = await post("//%A", {}, { authorization: "Bearer sk-mock" });
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toContain("//%A");
  });

  it("records every request with lower-cased headers and the raw body", async () => {
    const before = mock.requests.length;
    await post("/v2/chat?trace=1", { model: "command-r" }, { Authorization: "Bearer co", "X-Custom": "Yes" });
    const recorded = mock.requests[before];
    expect(recorded).toMatchObject({
      method: "POST",
      path: "/v2/chat",
      query: "trace=1",
      body: JSON.stringify({ model: "command-r" }),
    });
    expect(recorded?.headers["x-custom"]).toBe("Yes");
    expect(recorded?.headers.authorization).toBe("Bearer co");
    expect(recorded?.receivedAt).toBeLessThanOrEqual(Date.now());
  });

  it("x-mock-chunks and x-mock-chunk-bytes shape the deltas", async () => {
    const response = await post(
      "/v1/messages",
      { stream: true },
      { "x-api-key": "k", "x-mock-chunks": "20", "x-mock-chunk-bytes": "1024" },
    );
    const deltas = (await sseEvents(response))
      .filter((event) => event.event === "content_block_delta")
      .map((event) => JSON.parse(event.data).delta.text as string);
    expect(deltas).toHaveLength(20);
    expect(deltas.every((text) => text.length === 1024)).toBe(true);
    expect(deltas.join("")).toBe(mockText(20, 1024));
  });

  it("x-mock-stall-after sends nothing more after N deltas, the connection kept open", async () => {
    const response = await post(
      "/v1/chat/completions",
      { stream: true },
      { authorization: "Bearer sk", "x-mock-stall-after": "2" },
    );
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = "";
    while (!received.includes('"content":" from"')) {
      received += new TextDecoder().decode((await reader.read()).value);
    }
    // Nothing more comes: the next read is still pending when the test gives up on it.
    const next = await Promise.race([
      reader.read().then(() => "more"),
      new Promise((resolve) => setTimeout(() => resolve("nothing"), 200)),
    ]);
    expect(next).toBe("nothing");
    expect(received).not.toContain('"content":" the"');
    await reader.cancel();
  });

  it("x-mock-cut-after destroys the socket mid-stream", async () => {
    const response = await post(
      "/v1/chat/completions",
      { stream: true },
      { authorization: "Bearer sk", "x-mock-cut-after": "2" },
    );
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = "";
    const error = await (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return undefined;
          received += new TextDecoder().decode(value);
        }
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(Error);
    expect(received).toContain('"content":" from"');
    expect(received).not.toContain('"content":" the"');
    expect(received).not.toContain("[DONE]");
  });

  it("x-mock-delay-ms holds the first byte", async () => {
    const started = performance.now();
    const response = await post("/v2/chat", {}, { authorization: "Bearer co", "x-mock-delay-ms": "150" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(response.status).toBe(200);
  });

  it("x-mock-hang never answers, and close() releases the socket", async () => {
    const own = await startMockUpstream();
    const pending = fetch(`${own.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk", "x-mock-hang": "true" },
      body: "{}",
    });
    const outcome = await Promise.race([
      pending.then(() => "answered"),
      new Promise((resolve) => setTimeout(() => resolve("pending"), 150)),
    ]);
    expect(outcome).toBe("pending");
    expect(own.requests).toHaveLength(1);
    await own.close();
    await expect(pending).rejects.toThrow();
  });
});
