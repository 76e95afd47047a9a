import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatedUpstream, readGatedStream, startGatedUpstream } from "../support/gated-upstream.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let gated: GatedUpstream;

const settings = {
  cache_invalidate_on_update: false,
  cache_ttl: 0,
  collect_logs: true,
  rate_limiting_interval: 0,
  rate_limiting_limit: 0,
  authentication: false,
};

const FINANCIAL = "financial-information";
const CONTACT = "contact-information";

/** A gateway whose only policy applies `action` to the profiles in the given direction(s). */
function dlpGateway(id: string, action: string, check: string[], profiles = [FINANCIAL], extra = {}) {
  return {
    id,
    ...settings,
    ...extra,
    dlp: { enabled: true, policies: [{ id: `${id}-policy`, action, check, enabled: true, profiles }] },
  };
}

beforeAll(async () => {
  gated = await startGatedUpstream();
  // groq is the gated upstream: its stream sends a first event, then waits for the test to release the rest.
  t = await startTestGateway({ CONFIG_CACHE_TTL_MS: "0", UPSTREAM_GROQ_URL: gated.url });
  for (const gateway of [
    dlpGateway("block-response", "BLOCK", ["RESPONSE"]),
    dlpGateway("redact-response", "REDACT", ["RESPONSE"], [FINANCIAL, CONTACT]),
    dlpGateway("block-request", "BLOCK", ["REQUEST"]),
    dlpGateway("redact-request", "REDACT", ["REQUEST"]),
    dlpGateway("flag-both", "FLAG", ["REQUEST", "RESPONSE"]),
    dlpGateway("block-cached", "BLOCK", ["RESPONSE"], [FINANCIAL], { cache_ttl: 300 }),
    dlpGateway("redact-cached", "REDACT", ["RESPONSE"], [FINANCIAL, CONTACT], { cache_ttl: 300 }),
    { id: "single-shape", ...settings, dlp: { enabled: true, action: "BLOCK", profiles: [FINANCIAL] } },
  ]) {
    const created = await t.managementSend("POST", "/gateways", gateway);
    expect(created.status, JSON.stringify(created.body.errors)).toBe(200);
  }
});

afterAll(async () => {
  await t?.stop();
  await gated?.close();
});

const CARD = "4111 1111 1111 1111";

/** Polls a gateway's logs API until the row is stored (the test gateway's helper reads `default` only). */
async function waitForLog(gatewayId: string, logId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { status, body } = await t.management(`/gateways/${gatewayId}/logs/${logId}`);
    if (status === 200) return body.result as Record<string, unknown>;
    if (Date.now() > deadline) throw new Error(`log ${logId} not stored (last status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function openaiChat(gatewayId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${t.providerUrl("openai", gatewayId)}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-test-one", ...headers },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], ...body }),
  });
}

const secrets = { "x-mock-fixture": "dlp-secrets", "x-mock-chunk-delay-ms": "5" };

/** The content deltas of an OpenAI stream, joined, and the error object that ended it, if any. */
function readOpenAiStream(text: string): { content: string; error: Record<string, unknown> | undefined } {
  let content = "";
  let error: Record<string, unknown> | undefined;
  for (const line of text.split("\n")) {
    if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
    const event = JSON.parse(line.slice(6)) as {
      choices?: { delta?: { content?: string } }[];
      error?: Record<string, unknown>;
    };
    content += event.choices?.[0]?.delta?.content ?? "";
    if (event.error) error = event.error;
  }
  return { content, error };
}

describe("DLP on a streamed response", () => {
  it("catches a card number split across two chunks and redacts it, the rest of the text untouched", async () => {
    const response = await openaiChat("redact-response", { stream: true }, secrets);
    expect(response.status).toBe(200);
    const { content, error } = readOpenAiStream(await response.text());
    expect(error).toBeUndefined();
    expect(content).toBe("My card is [REDACTED], mail me at [REDACTED]. Bye.");
  });

  it("ends a blocked stream with an in-band error (400, 2030) and never delivers the match", async () => {
    const response = await openaiChat("block-response", { stream: true }, secrets);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain("4111");
    expect(text).not.toContain("1111");
    const { error } = readOpenAiStream(text);
    expect(error).toMatchObject({
      code: 2030,
      message: "Response content blocked due to DLP policy violations",
    });
    const log = await waitForLog("block-response", response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      success: false,
      dlp_action: "BLOCK",
      dlp_check: ["RESPONSE"],
      dlp_profiles: [FINANCIAL],
      dlp_entries: ["credit-card"],
      dlp_policies: ["block-response-policy"],
      error: { code: 2030 },
    });
  });

  it("sends the first event at once: only text that could still be a match is held back", async () => {
    const response = await openaiChat("block-response", { stream: true }, secrets);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('"role":"assistant"');
    await reader.cancel();
  });

  it("sends an event on as soon as nothing later can change it, while the provider still holds the rest", async () => {
    const { status, beforeRelease, text } = await readGatedStream(
      gated,
      `${t.providerUrl("groq", "block-response")}/chat/completions`,
      "dlp-first-event",
      { model: "llama-3.1-8b-instant", stream: true, messages: [{ role: "user", content: "hi" }] },
      { authorization: "Bearer gsk-test" },
    );
    expect(status).toBe(200);
    expect(readOpenAiStream(beforeRelease).content).toBe("first");
    expect(readOpenAiStream(text).content).toBe("first second");
  });

  it("cancels the provider call when the client leaves mid-stream, and logs the stream as aborted", async () => {
    const leaving = new AbortController();
    const response = await fetch(`${t.providerUrl("groq", "block-response")}/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer gsk-test",
        "x-gate": "dlp-leave",
      },
      body: JSON.stringify({
        model: "llama-3.1-8b-instant",
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
      signal: leaving.signal,
    });
    await (response.body as ReadableStream<Uint8Array>).getReader().read();
    leaving.abort();
    // Resolves only when the gateway closed its connection to the provider before the provider's end.
    await gated.cancelled("dlp-leave");
    const log = await waitForLog("block-response", response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ client_aborted: true });
  });

  it("caches a redacted stream as the client got it, so the hit is redacted too", async () => {
    const body = { stream: true, messages: [{ role: "user", content: "cache the redacted stream" }] };
    const seen: { status: string | null; content: string }[] = [];
    for (const _attempt of [1, 2]) {
      const response = await openaiChat("redact-cached", body, secrets);
      const { content } = readOpenAiStream(await response.text());
      seen.push({ status: response.headers.get("cf-aig-cache-status"), content });
    }
    const redacted = "My card is [REDACTED], mail me at [REDACTED]. Bye.";
    expect(seen).toEqual([
      { status: "MISS", content: redacted },
      { status: "HIT", content: redacted },
    ]);
  });

  it("does not cache a blocked stream", async () => {
    const body = { stream: true, messages: [{ role: "user", content: "cache this stream" }] };
    for (const attempt of [1, 2]) {
      const response = await openaiChat("block-cached", body, secrets);
      expect(response.headers.get("cf-aig-cache-status"), `attempt ${attempt}`).toBe("MISS");
      expect(readOpenAiStream(await response.text()).error).toMatchObject({ code: 2030 });
    }
  });

  it("ends a blocked Anthropic stream with Anthropic's error event", async () => {
    const response = await fetch(`${t.providerUrl("anthropic", "block-response")}/v1/messages`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-api-key": "sk-ant-test",
        "anthropic-version": "2023-06-01",
        ...secrets,
      },
      body: JSON.stringify({
        model: "claude-3-5-sonnet-20241022",
        max_tokens: 50,
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    const text = await response.text();
    expect(text).not.toContain("4111");
    expect(text).toContain("event: message_start");
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"invalid_request_error"/);
  });
});

describe("DLP on the unified surface", () => {
  it("redacts a streamed answer translated for the caller, and blocks one with the caller's error event", async () => {
    const ask = (gatewayId: string) =>
      fetch(`${t.compatUrl(gatewayId)}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-test-one", ...secrets },
        body: JSON.stringify({
          model: "openai/gpt-4o-mini",
          stream: true,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
    const redacted = readOpenAiStream(await (await ask("redact-response")).text());
    expect(redacted.content).toBe("My card is [REDACTED], mail me at [REDACTED]. Bye.");
    const blocked = await (await ask("block-response")).text();
    expect(blocked).not.toContain("4111");
    expect(readOpenAiStream(blocked).error).toMatchObject({ code: 2030 });
  });
});

describe("DLP on a whole response", () => {
  it("answers a blocked response 400 with code 2030 in the provider's dialect", async () => {
    const response = await openaiChat("block-response", {}, secrets);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: number; message: string } };
    expect(body.error).toMatchObject({
      code: 2030,
      message: "Response content blocked due to DLP policy violations",
    });
  });

  it("redacts a whole response and says so in cf-aig-dlp", async () => {
    const response = await openaiChat("redact-response", {}, secrets);
    expect(response.status).toBe(200);
    const completion = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(completion.choices[0]?.message.content).toBe("My card is [REDACTED], mail me at [REDACTED]. Bye.");
    expect(JSON.parse(response.headers.get("cf-aig-dlp") ?? "{}")).toMatchObject({ action: "REDACT" });
  });

  it("does not cache a blocked response", async () => {
    const body = { messages: [{ role: "user", content: "cache me" }] };
    for (const attempt of [1, 2]) {
      const response = await openaiChat("block-cached", body, secrets);
      expect(response.status, `attempt ${attempt}`).toBe(400);
      expect(response.headers.get("cf-aig-cache-status")).toBe("MISS");
    }
  });
});

describe("DLP on the request", () => {
  it("refuses a blocked request with 400 and code 2029 before the provider is called, and logs it failed", async () => {
    const before = t.mock.requests.length;
    const response = await openaiChat("block-request", {
      messages: [{ role: "user", content: `card ${CARD}` }],
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: number; message: string } };
    expect(body.error).toMatchObject({
      code: 2029,
      message: "Request content blocked due to DLP policy violations",
    });
    expect(t.mock.requests.length).toBe(before);
    const log = await waitForLog("block-request", response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      success: false,
      status_code: 400,
      dlp_action: "BLOCK",
      dlp_check: ["REQUEST"],
    });
  });

  it("refuses through the single-policy shape too", async () => {
    const response = await openaiChat("single-shape", {
      messages: [{ role: "user", content: `card ${CARD}` }],
    });
    expect(response.status).toBe(400);
  });

  it("redacts the request before the provider sees it", async () => {
    const response = await openaiChat("redact-request", {
      messages: [{ role: "user", content: `my card is ${CARD}, thanks` }],
    });
    expect(response.status).toBe(200);
    const sent = JSON.parse(t.mock.requests.at(-1)?.body ?? "{}") as { messages: { content: string }[] };
    expect(sent.messages[0]?.content).toBe("my card is [REDACTED], thanks");
  });

  it("redacts the request on the unified surface too", async () => {
    const response = await fetch(`${t.compatUrl("redact-request")}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-test-one" },
      body: JSON.stringify({
        model: "openai/gpt-4o-mini",
        messages: [{ role: "user", content: `pay ${CARD}` }],
      }),
    });
    expect(response.status).toBe(200);
    const sent = JSON.parse(t.mock.requests.at(-1)?.body ?? "{}") as { messages: { content: string }[] };
    expect(sent.messages[0]?.content).toBe("pay [REDACTED]");
  });
});

describe("DLP flags", () => {
  it("sets cf-aig-dlp and the log fields, and the logs filter dlp_action finds the row", async () => {
    const response = await openaiChat(
      "flag-both",
      { messages: [{ role: "user", content: `card ${CARD}` }] },
      secrets,
    );
    expect(response.status).toBe(200);
    const completion = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(completion.choices[0]?.message.content).toContain("4111 1111 1111 1111");
    expect(JSON.parse(response.headers.get("cf-aig-dlp") ?? "{}")).toEqual({
      action: "FLAG",
      policies: ["flag-both-policy"],
      profiles: [FINANCIAL],
      entries: ["credit-card"],
      check: ["REQUEST", "RESPONSE"],
    });
    const logId = response.headers.get("cf-aig-log-id") ?? "";
    expect(await waitForLog("flag-both", logId)).toMatchObject({ success: true, dlp_action: "FLAG" });
    const filter = encodeURIComponent(
      JSON.stringify([{ key: "dlp_action", operator: "eq", value: ["FLAG"] }]),
    );
    const listed = await t.management(`/gateways/flag-both/logs?filters=${filter}`);
    expect((listed.body.result as { id: string }[]).map((log) => log.id)).toContain(logId);
  });

  it("refuses a dlp_action filter value the gateway never writes", async () => {
    const filter = encodeURIComponent(
      JSON.stringify([{ key: "dlp_action", operator: "eq", value: ["ALLOW"] }]),
    );
    expect((await t.management(`/gateways/flag-both/logs?filters=${filter}`)).status).toBe(400);
  });

  it("refuses a policy naming a profile the gateway does not have", async () => {
    const answer = await t.managementSend(
      "POST",
      "/gateways",
      dlpGateway("unknown-profile", "FLAG", ["REQUEST"], ["nope"]),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0]?.message).toMatch(/unknown DLP profile "nope"/);
  });
});
