import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TEXT, MOCK_USAGE } from "../mock-upstream/server.ts";
import { type GatedUpstream, readGatedStream, startGatedUpstream } from "../support/gated-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let gated: GatedUpstream;
let runToken = "";

const settings = {
  cache_invalidate_on_update: false,
  cache_ttl: 300,
  collect_logs: true,
  rate_limiting_interval: 0,
  rate_limiting_limit: 0,
  authentication: false,
};

/** A management write with the admin token that must succeed. */
async function manage(method: string, path: string, body?: unknown) {
  const answer = await t.managementSend(method, path, body);
  expect(answer.status, `${method} ${path}`).toBeLessThan(300);
  return answer.body;
}

beforeAll(async () => {
  gated = await startGatedUpstream();
  // groq is the gated upstream: its streams hold their last chunk until the test releases it.
  t = await startTestGateway({ CONFIG_CACHE_TTL_MS: "0", UPSTREAM_GROQ_URL: gated.url });
  await manage("POST", "/gateways", { id: "cached", ...settings });
  await manage("POST", "/gateways", { id: "uncached", ...settings, cache_ttl: 0 });
  await manage("POST", "/gateways", {
    id: "limited",
    ...settings,
    rate_limiting_interval: 60,
    rate_limiting_limit: 1,
    rate_limiting_technique: "fixed",
  });
  // The REST surface uses the gateway's stored keys, which need an authenticated gateway.
  await manage("POST", "/gateways", { id: "rest", ...settings, authentication: true });
  await manage("POST", "/gateways/rest/provider_configs", {
    provider_slug: "openai",
    secret: "sk-stored-openai-0123456789abcdef",
  });
  await manage("POST", "/gateways/rest/provider_configs", {
    provider_slug: "groq",
    secret: "gsk-stored-groq-0123456789abcdef",
  });
  runToken = await t.createRunToken();
});

afterAll(async () => {
  await t?.stop();
  await gated?.close();
});

let counter = 0;
/** A body no other test sends, so each test starts with an empty cache. */
const uniqueBody = (extra: Record<string, unknown> = {}) => ({
  model: "openai/gpt-4o-mini",
  messages: [{ role: "user", content: `unified question ${++counter}` }],
  ...extra,
});

const compatUrl = (gatewayId: string, operation = "chat/completions") =>
  `${t.gateway.url}/v1/${t.gateway.accountId}/${gatewayId}/compat/${operation}`;
const restUrl = (operation: string) =>
  `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}/ai/v1/${operation}`;

function compat(
  gatewayId: string,
  body: unknown,
  headers: Record<string, string> = {},
  operation?: string,
  signal?: AbortSignal,
) {
  return fetch(compatUrl(gatewayId, operation), {
    method: "POST",
    signal,
    headers: { "content-type": "application/json", authorization: "Bearer sk-test-one", ...headers },
    body: JSON.stringify(body),
  });
}

function messages(body: unknown, headers: Record<string, string> = {}) {
  return fetch(restUrl("messages"), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${runToken}`,
      "cf-aig-gateway-id": "rest",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

/** Counts the provider calls a piece of work makes. */
async function upstreamCalls<T>(work: () => Promise<T>): Promise<{ calls: number; result: T }> {
  const before = t.mock.requests.length;
  const result = await work();
  return { calls: t.mock.requests.length - before, result };
}

/**
 * Lets the store after a miss's last byte land before the next request: the store and the log are
 * queued together after the last byte, and the log is written later (through the queue), so once the
 * miss's log is readable the entry has been stored, however loaded the machine.
 */
async function settle(gatewayId: string, logId: string | null | undefined): Promise<void> {
  await waitForLog(gatewayId, logId ?? "");
  await new Promise((resolve) => setTimeout(resolve, 50));
}

/** The body as the HTTP chunks the gateway wrote (chunked transfer encoding keeps each write apart). */
function rawChunks(
  url: string,
  body: unknown,
  headers: Record<string, string> = { authorization: "Bearer sk-test-one" },
): Promise<{ status: number; headers: Record<string, unknown>; chunks: string[] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL(url),
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-mock-chunk-delay-ms": "20",
          ...headers,
        },
      },
      (res) => {
        const chunks: string[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

/** The ids the gateway mints per request (and the time of the answer) are the only parts a hit changes. */
function withoutRequestIds(text: string): string {
  return text
    .replace(/"id":"[^"]*"/g, '"id":"ID"')
    .replace(/"created":\d+/g, '"created":0')
    .replace(/"created_at":\d+/g, '"created_at":0');
}

async function waitForLog(gatewayId: string, logId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { status, body } = await t.management(`/gateways/${gatewayId}/logs/${logId}`);
    if (status === 200) return body.result as Record<string, unknown>;
    if (Date.now() > deadline) throw new Error(`log ${logId} not stored`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const logOf = (gatewayId: string, response: Response) =>
  waitForLog(gatewayId, response.headers.get("cf-aig-log-id") ?? "");

describe("the response cache on the unified compat surface", () => {
  it("answers the same chat request from the cache: one provider call, same answer, logged as a hit", async () => {
    const body = uniqueBody();
    const miss = await upstreamCalls(() => compat("cached", body));
    expect(miss.calls).toBe(1);
    expect(miss.result.status).toBe(200);
    expect(miss.result.headers.get("cf-aig-cache-status")).toBe("MISS");
    const missText = await miss.result.text();
    await settle("cached", miss.result.headers.get("cf-aig-log-id"));

    const hit = await upstreamCalls(() => compat("cached", body));
    expect(hit.calls).toBe(0);
    expect(hit.result.status).toBe(200);
    expect(hit.result.headers.get("cf-aig-cache-status")).toBe("HIT");
    expect(hit.result.headers.get("content-type")).toContain("application/json");
    const hitText = await hit.result.text();
    expect(withoutRequestIds(hitText)).toBe(withoutRequestIds(missText));
    expect(JSON.parse(hitText).choices[0].message.content).toBe(MOCK_TEXT);

    const missLog = await logOf("cached", miss.result);
    expect(missLog).toMatchObject({ cached: false, provider: "openai", model: "gpt-4o-mini" });
    expect(missLog.cost).toBeGreaterThan(0);
    const hitLog = await logOf("cached", hit.result);
    expect(hitLog).toMatchObject({
      cached: true,
      cost: 0,
      success: true,
      status_code: 200,
      provider: "openai",
      model: "gpt-4o-mini",
      tokens_in: MOCK_USAGE.openai.input,
      tokens_out: MOCK_USAGE.openai.output,
      provider_wait: 0,
    });
  });

  it("replays a streamed answer with the same events, and logs the tokens it saved", async () => {
    const body = uniqueBody({ stream: true });
    const before = t.mock.requests.length;
    const miss = await rawChunks(compatUrl("cached"), body);
    expect(t.mock.requests.length).toBe(before + 1);
    expect(miss.headers["cf-aig-cache-status"]).toBe("MISS");
    expect(miss.chunks.length).toBeGreaterThan(2);
    await settle("cached", String(miss.headers["cf-aig-log-id"]));

    const hit = await rawChunks(compatUrl("cached"), body);
    expect(t.mock.requests.length).toBe(before + 1);
    expect(hit.status).toBe(200);
    expect(hit.headers["cf-aig-cache-status"]).toBe("HIT");
    expect(hit.headers["content-type"]).toContain("text/event-stream");
    // The same events in the same order. How they are split into HTTP chunks is the transport's: the local
    // front joins what is written in one turn of the event loop, as API Gateway re-frames on AWS.
    expect(withoutRequestIds(hit.chunks.join(""))).toBe(withoutRequestIds(miss.chunks.join("")));
    expect(hit.chunks.join("")).toContain("[DONE]");

    const log = await waitForLog("cached", String(hit.headers["cf-aig-log-id"]));
    expect(log).toMatchObject({
      cached: true,
      cost: 0,
      tokens_in: MOCK_USAGE.openai.input,
      tokens_out: MOCK_USAGE.openai.output,
    });
  });

  it("misses for another model, another body or another provider key", async () => {
    const body = uniqueBody();
    const first = await compat("cached", body);
    await first.text();
    await settle("cached", first.headers.get("cf-aig-log-id"));
    const variants: [unknown, Record<string, string>][] = [
      [{ ...body, model: "openai/gpt-4o" }, {}],
      [{ ...body, temperature: 0.5 }, {}],
      [body, { authorization: "Bearer sk-test-two" }],
    ];
    for (const [variant, headers] of variants) {
      const { calls, result } = await upstreamCalls(() => compat("cached", variant, headers));
      expect(calls).toBe(1);
      expect(result.headers.get("cf-aig-cache-status")).toBe("MISS");
      await result.text();
    }
  });

  it("never stores an error answer", async () => {
    const body = uniqueBody();
    for (let i = 0; i < 2; i++) {
      const { calls, result } = await upstreamCalls(() => compat("cached", body, { "x-mock-status": "400" }));
      expect(calls).toBe(1);
      expect(result.status).toBe(400);
      expect(result.headers.get("cf-aig-cache-status")).toBe("MISS");
      await result.text();
      await settle("cached", result.headers.get("cf-aig-log-id"));
    }
  });

  it("does not store a stream the client abandoned", async () => {
    const body = uniqueBody({ stream: true });
    const controller = new AbortController();
    const cut = await compat(
      "cached",
      body,
      { "x-mock-chunk-delay-ms": "100" },
      undefined,
      controller.signal,
    );
    expect(cut.headers.get("cf-aig-cache-status")).toBe("MISS");
    const reader = cut.body?.getReader();
    await reader?.read();
    controller.abort();
    await settle("cached", cut.headers.get("cf-aig-log-id"));
    const next = await upstreamCalls(() => compat("cached", body));
    expect(next.calls).toBe(1);
    expect(next.result.headers.get("cf-aig-cache-status")).toBe("MISS");
    await next.result.text();
  });

  it("caches a bridged Responses request (an Anthropic model)", async () => {
    const body = { model: "anthropic/claude-sonnet-4-5", input: `bridged question ${++counter}` };
    const miss = await upstreamCalls(() => compat("cached", body, {}, "responses"));
    expect(miss.calls).toBe(1);
    expect(miss.result.status).toBe(200);
    expect(miss.result.headers.get("cf-aig-cache-status")).toBe("MISS");
    const missText = await miss.result.text();
    await settle("cached", miss.result.headers.get("cf-aig-log-id"));
    const hit = await upstreamCalls(() => compat("cached", body, {}, "responses"));
    expect(hit.calls).toBe(0);
    expect(hit.result.headers.get("cf-aig-cache-status")).toBe("HIT");
    expect(withoutRequestIds(await hit.result.text())).toBe(withoutRequestIds(missText));
    expect(await logOf("cached", hit.result)).toMatchObject({
      cached: true,
      cost: 0,
      provider: "anthropic",
      tokens_out: MOCK_USAGE.anthropic.output,
    });
  });

  it("with cf-aig-skip-cache: true neither reads nor stores", async () => {
    const body = uniqueBody();
    const skipped = await upstreamCalls(() => compat("cached", body, { "cf-aig-skip-cache": "true" }));
    expect(skipped.calls).toBe(1);
    expect(skipped.result.headers.get("cf-aig-cache-status")).toBeNull();
    await skipped.result.text();
    await settle("cached", skipped.result.headers.get("cf-aig-log-id"));
    // Nothing was stored: the next request misses.
    const next = await upstreamCalls(() => compat("cached", body));
    expect(next.calls).toBe(1);
    expect(next.result.headers.get("cf-aig-cache-status")).toBe("MISS");
    await next.result.text();
  });

  it("does not cache on a gateway with caching off, and a cf-aig-cache-ttl turns it on", async () => {
    const body = uniqueBody();
    const plain = await compat("uncached", body);
    expect(plain.headers.get("cf-aig-cache-status")).toBeNull();
    await plain.text();

    const ttl = { "cf-aig-cache-ttl": "120" };
    const miss = await compat("uncached", body, ttl);
    expect(miss.headers.get("cf-aig-cache-status")).toBe("MISS");
    await miss.text();
    await settle("uncached", miss.headers.get("cf-aig-log-id"));
    const hit = await upstreamCalls(() => compat("uncached", body, ttl));
    expect(hit.calls).toBe(0);
    expect(hit.result.headers.get("cf-aig-cache-status")).toBe("HIT");
    await hit.result.text();
  });

  it("shares an answer between different bodies with the same cf-aig-cache-key", async () => {
    const key = { "cf-aig-cache-key": `shared-${++counter}` };
    const first = await compat("cached", uniqueBody(), key);
    await first.text();
    await settle("cached", first.headers.get("cf-aig-log-id"));
    const hit = await upstreamCalls(() => compat("cached", uniqueBody(), key));
    expect(hit.calls).toBe(0);
    expect(hit.result.headers.get("cf-aig-cache-status")).toBe("HIT");
    await hit.result.text();
  });

  it("refuses a malformed cf-aig-cache-ttl with a 400 in OpenAI's format, sending nothing upstream", async () => {
    const { calls, result } = await upstreamCalls(() =>
      compat("cached", uniqueBody(), { "cf-aig-cache-ttl": "ten" }),
    );
    expect(calls).toBe(0);
    expect(result.status).toBe(400);
    const error = (await result.json()) as { error: { message: string; type?: string } };
    expect(error.error.message).toContain("cf-aig-cache-ttl");
    const log = await logOf("cached", result);
    expect(log).toMatchObject({ success: false, status_code: 400 });
  });

  it("does not count a hit against the gateway's rate limit", async () => {
    const body = uniqueBody();
    const first = await compat("limited", body);
    expect(first.status).toBe(200);
    expect(first.headers.get("cf-aig-cache-status")).toBe("MISS");
    await first.text();
    await settle("limited", first.headers.get("cf-aig-log-id"));
    for (let i = 0; i < 3; i++) {
      const hit = await compat("limited", body);
      expect(hit.status).toBe(200);
      expect(hit.headers.get("cf-aig-cache-status")).toBe("HIT");
      await hit.text();
    }
    // The limit is real: a request that has to reach the provider is refused.
    const other = await compat("limited", uniqueBody());
    expect(other.status).toBe(429);
    await other.text();
  });

  it("caches embeddings", async () => {
    const body = { model: "openai/text-embedding-3-small", input: [`embed ${++counter}`] };
    const miss = await upstreamCalls(() => compat("cached", body, {}, "embeddings"));
    expect(miss.calls).toBe(1);
    expect(miss.result.headers.get("cf-aig-cache-status")).toBe("MISS");
    const missJson = await miss.result.json();
    await settle("cached", miss.result.headers.get("cf-aig-log-id"));
    const hit = await upstreamCalls(() => compat("cached", body, {}, "embeddings"));
    expect(hit.calls).toBe(0);
    expect(hit.result.headers.get("cf-aig-cache-status")).toBe("HIT");
    expect(await hit.result.json()).toEqual(missJson);
    expect(await logOf("cached", hit.result)).toMatchObject({ cached: true, cost: 0 });
  });
});

describe("the response cache for SigV4-signed and Responses requests", () => {
  it("finds a Bedrock answer again although each request is signed anew (the key holds the access key id)", async () => {
    const bedrock = (stream: boolean) => ({
      model: "aws-bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0",
      messages: [{ role: "user", content: `bedrock question ${counter}` }],
      max_tokens: 50,
      stream,
    });
    ++counter;
    for (const stream of [false, true]) {
      const miss = await upstreamCalls(() => compat("rest", bedrock(stream), t.gatewayAuth));
      expect(miss.calls).toBe(1);
      expect(miss.result.headers.get("cf-aig-cache-status")).toBe("MISS");
      expect(t.mock.requests.at(-1)?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=/);
      const missText = await miss.result.text();
      await settle("rest", miss.result.headers.get("cf-aig-log-id"));
      // A new second: x-amz-date, and so the signature, differ from the first request's.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const hit = await upstreamCalls(() => compat("rest", bedrock(stream), t.gatewayAuth));
      expect(hit.calls).toBe(0);
      expect(hit.result.headers.get("cf-aig-cache-status")).toBe("HIT");
      expect(withoutRequestIds(await hit.result.text())).toBe(withoutRequestIds(missText));
      expect(await logOf("rest", hit.result)).toMatchObject({
        cached: true,
        cost: 0,
        provider: "aws-bedrock",
        tokens_out: MOCK_USAGE["aws-bedrock"].output,
      });
    }
  });

  it("caches an OpenAI Responses request (sent natively)", async () => {
    const body = { model: "openai/gpt-4o-mini", input: `responses question ${++counter}` };
    const miss = await upstreamCalls(() => compat("cached", body, {}, "responses"));
    expect(miss.calls).toBe(1);
    expect(miss.result.headers.get("cf-aig-cache-status")).toBe("MISS");
    const missText = await miss.result.text();
    await settle("cached", miss.result.headers.get("cf-aig-log-id"));
    const hit = await upstreamCalls(() => compat("cached", body, {}, "responses"));
    expect(hit.calls).toBe(0);
    expect(hit.result.headers.get("cf-aig-cache-status")).toBe("HIT");
    expect(await hit.result.text()).toBe(missText);
    expect(await logOf("cached", hit.result)).toMatchObject({
      cached: true,
      cost: 0,
      tokens_out: MOCK_USAGE.openai.output,
    });
  });
});

describe("dynamic routes", () => {
  it("neither read nor store the cache, and say nothing of it", async () => {
    await manage("POST", "/gateways/rest/routes", {
      name: "cached-route",
      elements: [
        { id: "start", type: "start", outputs: { next: { elementId: "only" } } },
        {
          id: "only",
          type: "model",
          properties: { provider: "openai", model: "gpt-4o-mini" },
          outputs: { success: { elementId: "end" } },
        },
        { id: "end", type: "end", outputs: {} },
      ],
    });
    const body = {
      model: "dynamic/cached-route",
      messages: [{ role: "user", content: `route ${++counter}` }],
    };
    for (let i = 0; i < 2; i++) {
      const { calls, result } = await upstreamCalls(() => compat("rest", body, t.gatewayAuth));
      expect(calls).toBe(1);
      expect(result.status).toBe(200);
      expect(result.headers.get("cf-aig-model")).toBe("gpt-4o-mini");
      expect(result.headers.get("cf-aig-cache-status")).toBeNull();
      await result.text();
      await settle("rest", result.headers.get("cf-aig-log-id"));
    }
  });
});

describe("one cache for both surfaces", () => {
  it("answers a compat request from an entry a provider-native request stored (same provider bytes, same key)", async () => {
    const content = `native first ${++counter}`;
    const native = await fetch(`${t.providerUrl("openai", "cached")}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-test-one" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
    });
    expect(native.headers.get("cf-aig-cache-status")).toBe("MISS");
    await native.text();
    await settle("cached", native.headers.get("cf-aig-log-id"));
    const unified = await upstreamCalls(() =>
      compat("cached", { model: "openai/gpt-4o-mini", messages: [{ role: "user", content }] }),
    );
    expect(unified.calls).toBe(0);
    expect(unified.result.headers.get("cf-aig-cache-status")).toBe("HIT");
    expect(JSON.parse(await unified.result.text()).choices[0].message.content).toBe(MOCK_TEXT);
  });
});

describe("an identical unified request sent the moment the first one has ended", () => {
  // 2 MB of random text: an entry of several parts that takes the store a while to write, so a second
  // request sent on the miss's last byte would find nothing if that byte did not wait for the write.
  const pad = { "x-pad-bytes": String(2 * 1024 * 1024) };
  const groqBody = (key: string, stream: boolean) => ({
    model: "groq/llama-3.1-8b-instant",
    stream,
    messages: [{ role: "user", content: key }],
  });

  it("is answered from the cache on compat: a plain miss ends only once its entry is stored", async () => {
    const key = `compat-plain-${Date.now()}`;
    const send = () => compat("cached", groqBody(key, false), { "x-gate": key, ...pad });
    const miss = await send();
    expect(miss.headers.get("cf-aig-cache-status")).toBe("MISS");
    const missText = await miss.text();
    const again = await send();
    expect(again.headers.get("cf-aig-cache-status")).toBe("HIT");
    expect(withoutRequestIds(await again.text())).toBe(withoutRequestIds(missText));
    expect(gated.calls.get(key)).toBe(1);
  });

  it("is answered from the cache on compat for a stream, whose first chunk still reached the client before the provider's last", async () => {
    const key = `compat-stream-${Date.now()}`;
    const headers = { authorization: "Bearer gsk-test", ...pad };
    const miss = await readGatedStream(gated, compatUrl("cached"), key, groqBody(key, true), headers);
    expect(miss.headers["cf-aig-cache-status"]).toBe("MISS");
    expect(miss.beforeRelease).toContain('"first"');
    expect(miss.beforeRelease).not.toContain("[DONE]");
    expect(miss.text).toContain("[DONE]");

    const hit = await readGatedStream(gated, compatUrl("cached"), key, groqBody(key, true), headers);
    expect(hit.headers["cf-aig-cache-status"]).toBe("HIT");
    expect(withoutRequestIds(hit.text)).toBe(withoutRequestIds(miss.text));
    expect(gated.calls.get(key)).toBe(1);
  });

  it("is answered from the cache on /ai/v1/messages for a stream, in Anthropic's events", async () => {
    const key = `messages-stream-${Date.now()}`;
    const headers = { authorization: `Bearer ${runToken}`, "cf-aig-gateway-id": "rest", ...pad };
    const body = { ...groqBody(key, true), max_tokens: 64 };
    const miss = await readGatedStream(gated, restUrl("messages"), key, body, headers);
    expect(miss.headers["cf-aig-cache-status"]).toBe("MISS");
    expect(miss.beforeRelease).not.toContain("message_stop");
    expect(miss.text).toContain("event: message_stop");

    const hit = await readGatedStream(gated, restUrl("messages"), key, body, headers);
    expect(hit.headers["cf-aig-cache-status"]).toBe("HIT");
    expect(withoutRequestIds(hit.text)).toBe(withoutRequestIds(miss.text));
    expect(gated.calls.get(key)).toBe(1);
  });
});

describe("the response cache on /ai/v1/messages", () => {
  const messagesBody = () => ({
    model: "openai/gpt-4o-mini",
    max_tokens: 64,
    messages: [{ role: "user", content: `anthropic-format question ${++counter}` }],
  });

  it("answers the same Messages request from the cache in Anthropic's format", async () => {
    const body = messagesBody();
    const miss = await upstreamCalls(() => messages(body));
    expect(miss.calls).toBe(1);
    expect(miss.result.headers.get("cf-aig-cache-status")).toBe("MISS");
    const missText = await miss.result.text();
    await settle("rest", miss.result.headers.get("cf-aig-log-id"));

    const hit = await upstreamCalls(() => messages(body));
    expect(hit.calls).toBe(0);
    expect(hit.result.status).toBe(200);
    expect(hit.result.headers.get("cf-aig-cache-status")).toBe("HIT");
    const hitText = await hit.result.text();
    expect(withoutRequestIds(hitText)).toBe(withoutRequestIds(missText));
    expect(JSON.parse(hitText)).toMatchObject({
      type: "message",
      content: [{ type: "text", text: MOCK_TEXT }],
    });
    expect(await logOf("rest", hit.result)).toMatchObject({
      cached: true,
      cost: 0,
      tokens_out: MOCK_USAGE.openai.output,
    });
  });

  it("replays a streamed Messages answer with the same Anthropic events", async () => {
    const body = { ...messagesBody(), stream: true };
    const auth = { authorization: `Bearer ${runToken}`, "cf-aig-gateway-id": "rest" };
    const before = t.mock.requests.length;
    const miss = await rawChunks(restUrl("messages"), body, auth);
    expect(miss.headers["cf-aig-cache-status"]).toBe("MISS");
    expect(miss.chunks.join("")).toContain("event: message_stop");
    await settle("rest", String(miss.headers["cf-aig-log-id"]));
    const hit = await rawChunks(restUrl("messages"), body, auth);
    expect(t.mock.requests.length).toBe(before + 1);
    expect(hit.headers["cf-aig-cache-status"]).toBe("HIT");
    expect(withoutRequestIds(hit.chunks.join(""))).toBe(withoutRequestIds(miss.chunks.join("")));
  });

  it("refuses a malformed cf-aig-cache-ttl with a 400 in Anthropic's format", async () => {
    const { calls, result } = await upstreamCalls(() =>
      messages(messagesBody(), { "cf-aig-cache-ttl": "30" }),
    );
    expect(calls).toBe(0);
    expect(result.status).toBe(400);
    const error = (await result.json()) as { type: string; error: { type: string; message: string } };
    expect(error.type).toBe("error");
    expect(error.error.type).toBe("invalid_request_error");
    expect(error.error.message).toContain("cf-aig-cache-ttl");
  });
});
