import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TEXT, MOCK_USAGE } from "../mock-upstream/server.ts";
import { type GatedUpstream, readGatedStream, startGatedUpstream } from "../support/gated-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let gated: GatedUpstream;

const settings = {
  cache_invalidate_on_update: false,
  cache_ttl: 300,
  collect_logs: true,
  rate_limiting_interval: 0,
  rate_limiting_limit: 0,
  authentication: false,
};

/** A management call with the admin token (the test gateway's), its result typed for these tests. */
async function manage(method: string, path: string, body?: unknown) {
  const answer = await t.managementSend(method, path, body);
  return { status: answer.status, body: answer.body as unknown as { result: Record<string, unknown> } };
}

beforeAll(async () => {
  // Gateway settings reach the proxy at once (no in-memory config cache), so an update is seen immediately.
  gated = await startGatedUpstream();
  // groq is the gated upstream: its streams hold their last chunk until the test releases it.
  t = await startTestGateway({ CONFIG_CACHE_TTL_MS: "0", UPSTREAM_GROQ_URL: gated.url });
  await manage("POST", "/gateways", { id: "cached", ...settings });
  await manage("POST", "/gateways", { id: "uncached", ...settings, cache_ttl: 0 });
  await manage("POST", "/gateways", { id: "invalidating", ...settings, cache_invalidate_on_update: true });
});

afterAll(async () => {
  await t?.stop();
  await gated?.close();
});

let counter = 0;
/** A body no other test sends, so each test starts with an empty cache. */
const uniqueBody = (extra: Record<string, unknown> = {}) => ({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: `question ${++counter}` }],
  ...extra,
});

function chat(gatewayId: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${t.providerUrl("openai", gatewayId)}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-test-one", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function contentOf(response: Response): Promise<string | undefined> {
  const completion = (await response.json()) as { choices: { message: { content: string } }[] };
  return completion.choices[0]?.message.content;
}

/** Counts the provider calls a piece of work makes. */
async function upstreamCalls(work: () => Promise<unknown>): Promise<number> {
  const before = t.mock.requests.length;
  await work();
  return t.mock.requests.length - before;
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

/** The body as the HTTP chunks the gateway wrote (chunked transfer encoding keeps each write apart). */
function rawChunks(
  gatewayId: string,
  body: unknown,
): Promise<{ status: number; headers: Record<string, unknown>; chunks: string[] }> {
  const url = new URL(`${t.providerUrl("openai", gatewayId)}/chat/completions`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: "Bearer sk-test-one",
          "x-mock-chunk-delay-ms": "40",
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

describe("response caching through the local runtime", () => {
  it("misses, then answers the same request from the cache without calling the provider", async () => {
    const body = uniqueBody();
    const first = await chat("cached", body);
    expect(first.headers.get("cf-aig-cache-status")).toBe("MISS");
    expect(await contentOf(first)).toBe(MOCK_TEXT);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const before = t.mock.requests.length;
    const second = await chat("cached", body);
    expect(t.mock.requests.length).toBe(before);
    expect(second.status).toBe(200);
    expect(second.headers.get("cf-aig-cache-status")).toBe("HIT");
    expect(second.headers.get("content-type")).toContain("application/json");
    expect(await contentOf(second)).toBe(MOCK_TEXT);

    const log = await waitForLog("cached", second.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      cached: true,
      success: true,
      status_code: 200,
      tokens_in: MOCK_USAGE.openai.input,
      tokens_out: MOCK_USAGE.openai.output,
      provider_wait: 0,
    });
  });

  it("finds the entry again when only the JSON key order differs", async () => {
    const body = uniqueBody({ temperature: 0 });
    await (await chat("cached", body)).text();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const reordered = `{"temperature":0,"messages":${JSON.stringify(body.messages)},"model":"gpt-4o-mini"}`;
    const again = await chat("cached", reordered);
    expect(again.headers.get("cf-aig-cache-status")).toBe("HIT");
  });

  it("with cf-aig-skip-cache: true neither reads nor stores", async () => {
    const body = uniqueBody();
    const skipped = await chat("cached", body, { "cf-aig-skip-cache": "true" });
    await skipped.text();
    expect(skipped.headers.get("cf-aig-cache-status")).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await chat("cached", body)).headers.get("cf-aig-cache-status")).toBe("MISS");
  });

  it("misses for a caller with a different provider key", async () => {
    const body = uniqueBody();
    await (await chat("cached", body)).text();
    await new Promise((resolve) => setTimeout(resolve, 200));
    let other: Response | undefined;
    expect(
      await upstreamCalls(async () => {
        other = await chat("cached", body, { authorization: "Bearer sk-test-two" });
        await other.text();
      }),
    ).toBe(1);
    expect(other?.headers.get("cf-aig-cache-status")).toBe("MISS");
  });

  it("shares an answer between different requests with the same cf-aig-cache-key, even with caching off", async () => {
    const first = await chat("uncached", uniqueBody(), { "cf-aig-cache-key": "greeting" });
    await first.text();
    expect(first.headers.get("cf-aig-cache-status")).toBe("MISS");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await chat("uncached", uniqueBody(), { "cf-aig-cache-key": "greeting" });
    expect(second.headers.get("cf-aig-cache-status")).toBe("HIT");
    // Without a cache header, a gateway with cache_ttl 0 does not touch the cache at all.
    expect((await chat("uncached", uniqueBody())).headers.get("cf-aig-cache-status")).toBeNull();
  });

  it("does not store error responses or streams the provider cut", async () => {
    const body = uniqueBody();
    expect((await chat("cached", body, { "x-mock-status": "500" })).status).toBe(500);
    const cut = await chat("cached", { ...body, stream: true }, { "x-mock-cut-after": "2" });
    await cut.text().catch(() => "");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await chat("cached", body)).headers.get("cf-aig-cache-status")).toBe("MISS");
    expect((await chat("cached", { ...body, stream: true })).headers.get("cf-aig-cache-status")).toBe("MISS");
  });

  it("replays a streamed response as the same bytes, with its content type and status", async () => {
    const body = uniqueBody({ stream: true, stream_options: { include_usage: true } });
    const miss = await rawChunks("cached", body);
    expect(miss.headers["cf-aig-cache-status"]).toBe("MISS");
    expect(miss.chunks.length).toBeGreaterThanOrEqual(7);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const hit = await rawChunks("cached", body);
    expect(hit.status).toBe(200);
    expect(hit.headers["cf-aig-cache-status"]).toBe("HIT");
    expect(hit.headers["content-type"]).toBe(miss.headers["content-type"]);
    // The same bytes, so the same events in the same order. How they are split into HTTP chunks is the
    // transport's: the local front joins what is written in one turn of the event loop (the replay writes
    // its chunks at once), as API Gateway re-frames on AWS.
    expect(hit.chunks.join("")).toBe(miss.chunks.join(""));
  });

  it("empties a gateway's cache when its config is updated with cache_invalidate_on_update", async () => {
    const body = uniqueBody();
    await (await chat("invalidating", body)).text();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await chat("invalidating", body)).headers.get("cf-aig-cache-status")).toBe("HIT");

    const updated = await manage("PUT", "/gateways/invalidating", {
      ...settings,
      cache_invalidate_on_update: true,
    });
    expect(updated.status).toBe(200);
    expect(updated.body.result).not.toHaveProperty("cache_generation");
    expect((await chat("invalidating", body)).headers.get("cf-aig-cache-status")).toBe("MISS");
  });

  it("keeps the cache across an update when cache_invalidate_on_update is false", async () => {
    const body = uniqueBody();
    await (await chat("cached", body)).text();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await manage("PUT", "/gateways/cached", settings);
    expect((await chat("cached", body)).headers.get("cf-aig-cache-status")).toBe("HIT");
  });
});

describe("an identical request sent the moment the first one has ended", () => {
  // 2 MB of random text: an entry of several parts that takes the store a while to write, so a second
  // request sent on the miss's last byte would find nothing if that byte did not wait for the write.
  const large = { authorization: "Bearer gsk-test", "x-pad-bytes": String(2 * 1024 * 1024) };
  const groqUrl = () => `${t.providerUrl("groq", "cached")}/chat/completions`;
  const groqBody = (key: string, stream: boolean) => ({
    model: "llama-3.1-8b-instant",
    stream,
    messages: [{ role: "user", content: key }],
  });

  it("is answered from the cache: a plain miss ends only once its entry is stored", async () => {
    const key = `native-plain-${Date.now()}`;
    const send = () =>
      fetch(groqUrl(), {
        method: "POST",
        headers: { "content-type": "application/json", "x-gate": key, ...large },
        body: JSON.stringify(groqBody(key, false)),
      });
    const miss = await send();
    expect(miss.headers.get("cf-aig-cache-status")).toBe("MISS");
    const missText = await miss.text();
    const again = await send();
    expect(again.headers.get("cf-aig-cache-status")).toBe("HIT");
    expect(await again.text()).toBe(missText);
    expect(gated.calls.get(key)).toBe(1);
  });

  it("is answered from the cache for a stream, whose first chunk still reached the client before the provider's last", async () => {
    const key = `native-stream-${Date.now()}`;
    const miss = await readGatedStream(gated, groqUrl(), key, groqBody(key, true), large);
    expect(miss.headers["cf-aig-cache-status"]).toBe("MISS");
    // Received while the provider still held its last chunk: the stream is not buffered for the cache.
    expect(miss.beforeRelease).toContain('"first"');
    expect(miss.beforeRelease).not.toContain("[DONE]");
    expect(miss.text).toContain("[DONE]");

    const hit = await readGatedStream(gated, groqUrl(), key, groqBody(key, true), large);
    expect(hit.headers["cf-aig-cache-status"]).toBe("HIT");
    expect(hit.text).toBe(miss.text);
    expect(gated.calls.get(key)).toBe(1);
  });
});

describe("bad cache headers", () => {
  it.each([
    ["cf-aig-cache-ttl", "30"],
    ["cf-aig-cache-ttl", "2592001"],
    ["cf-aig-cache-ttl", "ten"],
    ["cf-cache-ttl", "-1"],
    ["cf-aig-skip-cache", "perhaps"],
    ["cf-aig-cache-key", ""],
  ])(
    "%s: %j is a 400 naming the header, and nothing reaches the provider or the cache",
    async (name, value) => {
      const body = uniqueBody();
      let response: Response | undefined;
      expect(
        await upstreamCalls(async () => {
          response = await chat("cached", body, { [name]: value });
        }),
      ).toBe(0);
      expect(response?.status).toBe(400);
      const error = (await response?.json()) as { error: { message: string; code: number } };
      expect(error.error.code).toBe(7003);
      if (value !== "") expect(error.error.message).toContain(name);
      expect((await chat("cached", body)).headers.get("cf-aig-cache-status")).toBe("MISS");
    },
  );
});
