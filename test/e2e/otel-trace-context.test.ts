import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExportedSpan, exportedSpans } from "../support/otlp-decode.ts";
import { type OtlpReceiver, startOtlpReceiver } from "../support/otlp-receiver.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

// Trace-context propagation (reference 8.7, docs/observability.md): the span of a request joins the trace
// its `cf-aig-otel-trace-id` / `cf-aig-otel-parent-span-id` (or a W3C `traceparent`) name.
let t: TestGateway;
let receiver: OtlpReceiver;
let runToken = "";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN_ID = "00f067aa0ba902b7";

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  t = await startTestGateway();
  // Both OTLP encodings, so every span is checked in each.
  const put = await t.managementSend("PUT", "/gateways/default", {
    cache_ttl: 0,
    cache_invalidate_on_update: false,
    collect_logs: true,
    rate_limiting_interval: 0,
    rate_limiting_limit: 0,
    authentication: true,
    otel: [
      { url: receiver.tracesUrl, headers: {}, content_type: "json" },
      { url: receiver.tracesUrl, headers: {}, content_type: "protobuf" },
    ],
  });
  expect(put.status).toBe(200);
  runToken = await t.createRunToken();
});

afterAll(async () => {
  await t.stop();
  await receiver.close();
});

/** The spans whose attribute `key` is `value`, once `count` of them have arrived in each encoding. */
async function spansWhere(
  key: string,
  value: string,
  count = 1,
): Promise<{ json: ExportedSpan[]; protobuf: ExportedSpan[] }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const spans = receiver.received
      .flatMap(exportedSpans)
      .filter((span) => span.attributes[key] === value)
      // UUIDv7 log ids sort by time: the rows of one request in the order they were made.
      .sort((a, b) =>
        String(a.attributes["ai_gateway.log_id"]).localeCompare(String(b.attributes["ai_gateway.log_id"])),
      );
    const json = spans.filter((span) => span.encoding === "json");
    const protobuf = spans.filter((span) => span.encoding === "protobuf");
    if (json.length >= count && protobuf.length >= count) return { json, protobuf };
    if (Date.now() > deadline)
      throw new Error(`${json.length} JSON and ${protobuf.length} protobuf spans of ${count} for ${value}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Both encodings' span of one log, which must agree on every field but the encoding. */
async function spanOfLog(logId: string): Promise<ExportedSpan> {
  const { json, protobuf } = await spansWhere("ai_gateway.log_id", logId);
  expect(json).toHaveLength(1);
  expect(protobuf).toHaveLength(1);
  expect({ ...protobuf[0], encoding: "json" }).toEqual(json[0]);
  return json[0] as ExportedSpan;
}

const chatBody = (content = "Hi") =>
  JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] });

function nativeChat(headers: Record<string, string>, content?: string) {
  return fetch(`${t.providerUrl("openai")}/chat/completions`, {
    method: "POST",
    headers: {
      ...t.gatewayAuth,
      authorization: "Bearer sk-test",
      "content-type": "application/json",
      ...headers,
    },
    body: chatBody(content),
  });
}

const logIdOf = (response: Response) => response.headers.get("cf-aig-log-id") ?? "";
const hexOf = (uuid: string) => uuid.replaceAll("-", "");

describe("trace context from cf-aig-otel-trace-id and cf-aig-otel-parent-span-id", () => {
  it("exports the request's span in the trace it names, under the parent span it names, in JSON and protobuf", async () => {
    const response = await nativeChat({
      "cf-aig-otel-trace-id": TRACE_ID.toUpperCase(),
      "cf-aig-otel-parent-span-id": PARENT_SPAN_ID,
    });
    await response.text();
    expect(response.status).toBe(200);
    const logId = logIdOf(response);

    const span = await spanOfLog(logId);
    expect(span).toMatchObject({ traceId: TRACE_ID, parentSpanId: PARENT_SPAN_ID });
    expect(span.spanId).toBe(hexOf(logId).slice(16));
    const log = await t.waitForLog(logId);
    expect(log).toMatchObject({ otel_trace_id: TRACE_ID, otel_parent_span_id: PARENT_SPAN_ID });
  });

  it("joins the named trace as a root span when only the trace id is sent", async () => {
    const response = await nativeChat({ "cf-aig-otel-trace-id": TRACE_ID });
    await response.text();
    const span = await spanOfLog(logIdOf(response));
    expect(span.traceId).toBe(TRACE_ID);
    expect(span).not.toHaveProperty("parentSpanId");
  });

  it("starts a new trace for a request that names none: the log id's, with no parent", async () => {
    const responses = await Promise.all([nativeChat({}), nativeChat({})]);
    const spans = [];
    for (const response of responses) {
      await response.text();
      spans.push(await spanOfLog(logIdOf(response)));
    }
    const [first, second] = spans as [ExportedSpan, ExportedSpan];
    expect(first.traceId).toBe(hexOf(logIdOf(responses[0] as Response)));
    expect(second.traceId).not.toBe(first.traceId);
    expect(first).not.toHaveProperty("parentSpanId");
    const log = await t.waitForLog(logIdOf(responses[0] as Response));
    expect(log).not.toHaveProperty("otel_trace_id");
  });

  it("joins the trace of a W3C traceparent when no cf-aig-otel header is sent, and lets those headers win", async () => {
    const traceparent = `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`;
    const joined = await nativeChat({ traceparent });
    await joined.text();
    expect(await spanOfLog(logIdOf(joined))).toMatchObject({
      traceId: TRACE_ID,
      parentSpanId: PARENT_SPAN_ID,
    });

    const other = "0af7651916cd43dd8448eb211c80319c";
    const won = await nativeChat({ traceparent, "cf-aig-otel-trace-id": other });
    await won.text();
    const span = await spanOfLog(logIdOf(won));
    expect(span.traceId).toBe(other);
    expect(span).not.toHaveProperty("parentSpanId");

    // A malformed traceparent is ignored (W3C), not refused: the request goes through in a trace of its own.
    const ignored = await nativeChat({ traceparent: "00-not-a-trace-01" });
    await ignored.text();
    expect(ignored.status).toBe(200);
    expect((await spanOfLog(logIdOf(ignored))).traceId).toBe(hexOf(logIdOf(ignored)));
  });

  it("never sends the cf-aig-otel headers to the provider, on the native and the unified surfaces", async () => {
    const trace = { "cf-aig-otel-trace-id": TRACE_ID, "cf-aig-otel-parent-span-id": PARENT_SPAN_ID };
    const native = await t.upstreamOf(async () => (await nativeChat(trace)).text());
    expect(Object.keys(native.sent.headers).filter((name) => name.startsWith("cf-aig-"))).toEqual([]);

    const unified = await t.upstreamOf(() =>
      t.compatClient("sk-provider-key", trace).chat.completions.create({
        model: "openai/gpt-4o-mini",
        messages: [{ role: "user", content: "Hi" }],
      }),
    );
    expect(Object.keys(unified.sent.headers).filter((name) => name.startsWith("cf-aig-"))).toEqual([]);
  });

  it("leaves the trace out of the cache key: a request in another trace is a hit, exported in its own trace", async () => {
    const content = `cached ${Date.now()}`;
    const other = "0af7651916cd43dd8448eb211c80319c";
    const first = await nativeChat({ "cf-aig-cache-ttl": "60", "cf-aig-otel-trace-id": TRACE_ID }, content);
    await first.text();
    expect(first.headers.get("cf-aig-cache-status")).toBe("MISS");
    // A miss is stored before its last byte reaches the client (respond-stage.ts): the next one may hit.
    const upstreamCalls = t.mock.requests.length;
    const hit = await nativeChat(
      {
        "cf-aig-cache-ttl": "60",
        "cf-aig-otel-trace-id": other,
        "cf-aig-otel-parent-span-id": PARENT_SPAN_ID,
      },
      content,
    );
    await hit.text();
    expect(t.mock.requests.length).toBe(upstreamCalls);
    expect(hit.headers.get("cf-aig-cache-status")).toBe("HIT");
    const span = await spanOfLog(logIdOf(hit));
    expect(span).toMatchObject({ traceId: other, parentSpanId: PARENT_SPAN_ID });
    expect(span.attributes["ai_gateway.cached"]).toBe("true");
  });
});

/** The error message of each dialect's error body (shared/http/error-response.ts). */
const messageOf: Record<string, (json: Record<string, unknown>) => unknown> = {
  openai: (json) => (json.error as { message: string }).message,
  anthropic: (json) => json.type === "error" && (json.error as { message: string }).message,
  google: (json) =>
    (json.error as { status: string }).status === "INVALID_ARGUMENT" &&
    (json.error as { message: string }).message,
  cloudflare: (json) => json.success === false && (json.errors as Array<{ message: string }>)[0]?.message,
};

const accountPath = () => `/client/v4/accounts/${t.gateway.accountId}`;

/** A surface a bad header is sent to, and what its refusal must say. */
interface RefusalCase {
  surface: string;
  dialect: string;
  path(): string;
  auth(): Record<string, string>;
  body: unknown;
  headers: Record<string, string>;
  /** The header the message names. */
  named: string;
}

describe("a malformed trace header", () => {
  const openAiChat = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] };
  it.each<RefusalCase>([
    {
      surface: "native OpenAI",
      dialect: "openai",
      path: () => "/v1/local/default/openai/chat/completions",
      auth: () => ({ ...t.gatewayAuth, authorization: "Bearer sk-test" }),
      body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] },
      headers: { "cf-aig-otel-trace-id": "4bf92f35-77b3-4da6-a3ce-929d0e0e4736" },
      named: "cf-aig-otel-trace-id",
    },
    {
      surface: "native Anthropic",
      dialect: "anthropic",
      path: () => "/v1/local/default/anthropic/v1/messages",
      auth: () => ({ ...t.gatewayAuth, "x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01" }),
      body: { model: "claude-sonnet-4-5", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] },
      headers: { "cf-aig-otel-trace-id": TRACE_ID, "cf-aig-otel-parent-span-id": "0".repeat(16) },
      named: "cf-aig-otel-parent-span-id",
    },
    {
      surface: "native Google AI Studio",
      dialect: "google",
      path: () => "/v1/local/default/google-ai-studio/v1beta/models/gemini-2.5-flash:generateContent",
      auth: () => ({ ...t.gatewayAuth, "x-goog-api-key": "goog-test" }),
      body: { contents: [{ role: "user", parts: [{ text: "Hi" }] }] },
      headers: { "cf-aig-otel-parent-span-id": PARENT_SPAN_ID },
      named: "cf-aig-otel-trace-id",
    },
    {
      surface: "compat",
      dialect: "openai",
      path: () => "/v1/local/default/compat/chat/completions",
      auth: () => ({ ...t.gatewayAuth, authorization: "Bearer sk-test" }),
      body: openAiChat,
      headers: { "cf-aig-otel-trace-id": "0".repeat(32) },
      named: "cf-aig-otel-trace-id",
    },
    {
      surface: "REST messages",
      dialect: "anthropic",
      path: () => `${accountPath()}/ai/v1/messages`,
      auth: () => ({ authorization: `Bearer ${runToken}` }),
      body: {
        model: "anthropic/claude-sonnet-4-5",
        max_tokens: 10,
        messages: [{ role: "user", content: "Hi" }],
      },
      headers: { "cf-aig-otel-trace-id": `${TRACE_ID}0` },
      named: "cf-aig-otel-trace-id",
    },
    {
      surface: "/ai/run",
      dialect: "cloudflare",
      path: () => `${accountPath()}/ai/run/@cf/meta/llama-3.1-8b-instruct`,
      auth: () => ({ authorization: `Bearer ${runToken}` }),
      body: { prompt: "Hi" },
      headers: { "cf-aig-otel-trace-id": TRACE_ID, "cf-aig-otel-parent-span-id": "xyz" },
      named: "cf-aig-otel-parent-span-id",
    },
  ])(
    "is refused on the $surface surface with 400 in the $dialect dialect, and logged as failed",
    async (input) => {
      const response = await fetch(`${t.gateway.url}${input.path()}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...input.auth(), ...input.headers },
        body: JSON.stringify(input.body),
      });
      const json = (await response.json()) as Record<string, unknown>;
      expect(response.status).toBe(400);
      expect(messageOf[input.dialect]?.(json)).toContain(input.named);
      const log = await t.waitForLog(logIdOf(response));
      expect(log).toMatchObject({ status_code: 400, success: false, error: { code: 7003 } });
      expect(log).not.toHaveProperty("otel_trace_id");
    },
  );

  it("is refused by the universal endpoint once, before any step runs (400, OpenAI's dialect)", async () => {
    const upstreamCalls = t.mock.requests.length;
    const response = await fetch(`${t.gateway.url}/v1/${t.gateway.accountId}/default`, {
      method: "POST",
      headers: { ...t.gatewayAuth, "content-type": "application/json", "cf-aig-otel-trace-id": "nope" },
      body: JSON.stringify([
        {
          provider: "openai",
          endpoint: "chat/completions",
          headers: { authorization: "Bearer sk-test" },
          query: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] },
        },
      ]),
    });
    const json = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(400);
    expect(messageOf.openai?.(json)).toContain("cf-aig-otel-trace-id");
    expect(t.mock.requests.length).toBe(upstreamCalls);
  });
});

let events = 0;
const newEventId = () => `trace-${++events}-${Date.now()}`;

/** The spans of one request's rows (by its cf-aig-event-id), which must be `count` spans of one trace. */
async function spansOfRequest(eventId: string, count: number): Promise<ExportedSpan[]> {
  const { json, protobuf } = await spansWhere("ai_gateway.event_id", eventId, count);
  expect(json).toHaveLength(count);
  expect(protobuf.map((span) => ({ ...span, encoding: "json" }))).toEqual(json);
  expect(new Set(json.map((span) => span.traceId)).size, "one trace").toBe(1);
  expect(new Set(json.map((span) => span.spanId)).size, "a span per row").toBe(count);
  return json;
}

const openaiStep = (headers: Record<string, string> = {}) => ({
  provider: "openai",
  endpoint: "chat/completions",
  headers: { authorization: "Bearer sk-test", ...headers },
  query: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] },
});

async function universal(steps: unknown[], headers: Record<string, string>) {
  const response = await fetch(`${t.gateway.url}/v1/${t.gateway.accountId}/default`, {
    method: "POST",
    headers: { ...t.gatewayAuth, "content-type": "application/json", ...headers },
    body: JSON.stringify(steps),
  });
  await response.text();
  return response;
}

describe("the rows of one request (one span each)", () => {
  it("share the trace of the request's request_id: a retried provider call", async () => {
    const eventId = newEventId();
    const response = await nativeChat({
      "cf-aig-event-id": eventId,
      "cf-aig-max-attempts": "2",
      "cf-aig-retry-delay": "0",
      "x-mock-status": "500",
    });
    expect(response.status).toBe(500);
    const spans = await spansOfRequest(eventId, 2);
    expect(spans[0]?.traceId).toBe(hexOf(logIdOf(response)));
  });

  it("share the trace the request names: a universal request's failing and answering steps", async () => {
    const eventId = newEventId();
    const response = await universal([openaiStep({ "x-mock-status": "500" }), openaiStep()], {
      "cf-aig-event-id": eventId,
      "cf-aig-otel-trace-id": TRACE_ID,
      "cf-aig-otel-parent-span-id": PARENT_SPAN_ID,
    });
    expect(response.headers.get("cf-aig-step")).toBe("1");
    const spans = await spansOfRequest(eventId, 2);
    expect(spans.map((span) => [span.traceId, span.parentSpanId])).toEqual([
      [TRACE_ID, PARENT_SPAN_ID],
      [TRACE_ID, PARENT_SPAN_ID],
    ]);
  });

  it("share one new trace when the universal request names none, a Workers AI step included", async () => {
    const eventId = newEventId();
    const response = await universal(
      [
        openaiStep({ "x-mock-status": "500" }),
        {
          provider: "workers-ai",
          endpoint: "@cf/meta/llama-3.1-8b-instruct",
          headers: {},
          query: { prompt: "Hi" },
        },
      ],
      { "cf-aig-event-id": eventId },
    );
    expect(response.headers.get("cf-aig-step")).toBe("1");
    const spans = await spansOfRequest(eventId, 2);
    expect(spans[0]).not.toHaveProperty("parentSpanId");
  });

  it("share the trace the request names: a dynamic route's model that fell back and the one that answered", async () => {
    await t.storeProviderKey("openai", "sk-stored-openai-0123456789abcdef");
    const created = await t.managementSend("POST", "/gateways/default/routes", {
      name: "traced",
      elements: [
        { id: "start", type: "start", outputs: { next: { elementId: "keyless" } } },
        {
          id: "keyless",
          type: "model",
          // No stored groq key: the node fails before calling and falls back, a row of its own.
          properties: { provider: "groq", model: "llama-3.1-8b-instant" },
          outputs: { success: { elementId: "end" }, fallback: { elementId: "openai" } },
        },
        {
          id: "openai",
          type: "model",
          properties: { provider: "openai", model: "gpt-4o-mini" },
          outputs: { success: { elementId: "end" }, fallback: { elementId: "end" } },
        },
        { id: "end", type: "end", outputs: {} },
      ],
    });
    expect(created.status).toBe(200);
    const eventId = newEventId();
    await t
      .compatClient("unused", {
        "cf-aig-event-id": eventId,
        "cf-aig-otel-trace-id": TRACE_ID,
        "cf-aig-otel-parent-span-id": PARENT_SPAN_ID,
      })
      .chat.completions.create({ model: "dynamic/traced", messages: [{ role: "user", content: "Hi" }] });
    const spans = await spansOfRequest(eventId, 2);
    expect(spans.map((span) => [span.traceId, span.parentSpanId])).toEqual([
      [TRACE_ID, PARENT_SPAN_ID],
      [TRACE_ID, PARENT_SPAN_ID],
    ]);
  });
});
