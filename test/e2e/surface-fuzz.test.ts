import { request } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providerSlugs } from "../../shared/providers/registry.ts";
import { type MockUpstream, startMockUpstream } from "../mock-upstream/server.ts";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

/**
 * Requests a careless client or an attacker might send, thrown at every surface of the running gateway:
 * whatever arrives, the gateway never answers 5xx, and every 4xx it answers carries a JSON body with a
 * message that names the problem. Every provider points at the mock upstream, so nothing leaves loopback;
 * the mock answers an unknown path with an OpenAI-shaped 404 of its own.
 */

let t: TestGateway;
let everyOtherProvider: MockUpstream;

beforeAll(async () => {
  // The shared helper points most providers at its mock and leaves a few at their real hosts: here every
  // provider of the registry goes to a mock of this file's own, so nothing the fuzzer sends leaves loopback.
  everyOtherProvider = await startMockUpstream();
  const toMock: Record<string, string> = {};
  for (const slug of providerSlugs())
    toMock[`UPSTREAM_${slug.toUpperCase().replaceAll("-", "_")}_URL`] = everyOtherProvider.url;
  t = await startTestGateway(toMock);
});

afterAll(async () => {
  await t?.stop();
  await everyOtherProvider?.close();
});

const SEGMENTS = [
  "default",
  "local",
  "openai",
  "anthropic",
  "compat",
  "chat",
  "completions",
  "responses",
  "embeddings",
  "messages",
  "v1",
  "gateways",
  "logs",
  "provider_configs",
  "tokens",
  "routes",
  "not-a-provider",
  ".",
  "..",
  "%2e%2e",
  "%2E",
  ".%2e",
  "%",
  "%zz",
  "%00",
  "%2F",
  "a".repeat(300),
  "ü",
  "",
  "00000000-0000-0000-0000-000000000000",
];

const segment = fc.oneof(fc.constantFrom(...SEGMENTS), fc.stringMatching(/^[A-Za-z0-9._~%-]{1,20}$/));

const SURFACES = {
  "provider-native": "/v1/local",
  "provider-native OpenAI": "/v1/local/default/openai",
  "provider-native Anthropic": "/v1/local/default/anthropic",
  "provider-native Bedrock": "/v1/local/default/aws-bedrock",
  universal: "/v1/local/default",
  compat: "/v1/local/default/compat",
  "REST unified": "/client/v4/accounts/local/ai",
  management: "/client/v4/accounts/local/ai-gateway",
  "management of a gateway": "/client/v4/accounts/local/ai-gateway/gateways/default",
} as const;

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"] as const;

const AUTH_HEADERS: Record<string, string>[] = [
  {},
  { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
  { "cf-aig-authorization": `Bearer ${TEST_ADMIN_TOKEN}` },
  { "cf-aig-authorization": `Bearer ${TEST_ADMIN_TOKEN}`, authorization: "Bearer sk-provider" },
  { authorization: "Bearer not-a-token" },
  { authorization: "Basic Zm9vOmJhcg==" },
];

const body = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("", "{", "null", "[]", '"text"', "1e999", '{"model":null}', '{"messages":"x"}'),
  fc.json().map(String),
  fc
    .record(
      {
        model: fc.oneof(
          fc.string(),
          fc.constantFrom("openai/gpt-4o-mini", "dynamic/x", "@cf/meta/llama"),
          fc.integer(),
        ),
        messages: fc.oneof(fc.anything(), fc.array(fc.record({ role: fc.string(), content: fc.anything() }))),
        stream: fc.oneof(fc.boolean(), fc.string()),
        max_tokens: fc.oneof(fc.integer(), fc.string()),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
);

const query = fc.oneof(
  fc.constant(""),
  fc.constantFrom(
    "?filters[0][key]=provider&filters[0][operator]=eq&filters[0][value][0]=x",
    "?filters=%7B",
    "?per_page=-1",
    "?page=abc",
    "?order_by=nope",
    "?%zz=1",
  ),
  fc.stringMatching(/^\?[A-Za-z0-9=&%[\]._-]{0,40}$/),
);

/** node:http rather than fetch, which refuses some methods (TRACE) before they leave the client. */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  payload: string | undefined,
): Promise<{ status: number; text: string }> {
  const bytes = payload === undefined ? undefined : Buffer.from(payload, "latin1");
  // A body is always framed: node:http sends DELETE and OPTIONS bodies unframed unless told their length.
  const framing = bytes === undefined ? {} : { "content-length": String(bytes.length) };
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${t.gateway.url}${path}`,
      { method, headers: { ...headers, ...framing } },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () =>
          resolve({ status: incoming.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        incoming.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(bytes);
  });
}

/** Finds a non-empty `message` string anywhere in a parsed JSON body. */
function hasMessage(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  for (const [key, inner] of Object.entries(value)) {
    if (key === "message" && typeof inner === "string" && inner.trim().length > 0) return true;
    if (hasMessage(inner)) return true;
  }
  return false;
}

describe.each(Object.entries(SURFACES))("the %s surface under random requests", (_, prefix) => {
  it("never answers 5xx, and every 4xx has a JSON body with a message", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...METHODS),
        fc.array(segment, { maxLength: 5 }),
        query,
        fc.constantFrom(...AUTH_HEADERS),
        fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", undefined),
        body,
        async (method, segments, search, auth, contentType, payload) => {
          const path = `${prefix}/${segments.join("/")}${search}`;
          const sendsBody = payload !== undefined && method !== "GET" && method !== "HEAD";
          const headers = { ...auth, ...(contentType ? { "content-type": contentType } : {}) };
          const response = await send(method, path, headers, sendsBody ? payload : undefined);
          const text = response.text;
          const shown = `${method} ${path} -> ${response.status} ${text.slice(0, 300)}`;
          expect(response.status, shown).toBeLessThan(500);
          if (response.status >= 400 && method !== "HEAD") {
            let parsed: unknown;
            expect(() => {
              parsed = JSON.parse(text);
            }, shown).not.toThrow();
            expect(hasMessage(parsed), shown).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
