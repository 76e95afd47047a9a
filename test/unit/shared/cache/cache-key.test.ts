import { describe, expect, it } from "vitest";
import { type CacheKeyInput, cacheKey } from "../../../../shared/cache/cache-key.ts";
import { credentialIdentity } from "../../../../shared/cache/credential-identity.ts";

const base: CacheKeyInput = {
  accountId: "acc",
  gatewayId: "gw",
  gatewayCreatedAt: "2026-01-01T00:00:00.000Z",
  generation: 0,
  providerSlug: "openai",
  method: "POST",
  restPath: "/chat/completions",
  search: "",
  body: new TextEncoder().encode('{"model":"m","messages":[]}'),
  credential: "c1",
  customKey: null,
};

describe("cacheKey", () => {
  it("is the same for bodies that differ only in key order", () => {
    const reordered = { ...base, body: new TextEncoder().encode('{"messages":[],"model":"m"}') };
    expect(cacheKey(reordered)).toBe(cacheKey(base));
  });

  it.each([
    ["account", { accountId: "other" }],
    ["gateway", { gatewayId: "other" }],
    ["gateway incarnation", { gatewayCreatedAt: "2026-02-01T00:00:00.000Z" }],
    ["cache generation", { generation: 1 }],
    ["provider", { providerSlug: "groq" }],
    ["method", { method: "GET" }],
    ["path", { restPath: "/embeddings" }],
    ["query", { search: "?x=1" }],
    ["body", { body: new TextEncoder().encode('{"model":"n","messages":[]}') }],
    ["credential", { credential: "c2" }],
  ] as const)("changes with the %s", (_, change) => {
    expect(cacheKey({ ...base, ...change })).not.toBe(cacheKey(base));
  });

  it("replaces the request part with a custom key but keeps the gateway and credential scope", () => {
    const custom = { ...base, customKey: "greeting" };
    expect(cacheKey({ ...custom, body: null, restPath: "/other" })).toBe(cacheKey(custom));
    expect(cacheKey({ ...custom, credential: "c2" })).not.toBe(cacheKey(custom));
    expect(cacheKey({ ...custom, gatewayId: "other" })).not.toBe(cacheKey(custom));
  });

  it("cannot be forged by moving text between fields", () => {
    expect(cacheKey({ ...base, restPath: "/a", search: "b" })).not.toBe(
      cacheKey({ ...base, restPath: "/ab", search: "" }),
    );
  });
});

describe("credentialIdentity", () => {
  const url = "https://api.openai.com/v1/chat/completions";

  it("differs between provider keys and never contains them", () => {
    const one = credentialIdentity(new Headers({ authorization: "Bearer sk-one" }), url);
    const two = credentialIdentity(new Headers({ authorization: "Bearer sk-two" }), url);
    expect(one).not.toBe(two);
    expect(one).toMatch(/^[0-9a-f]{64}$/);
  });

  it("tells which header carried the key, and sees Gemini's ?key=", () => {
    const asBearer = credentialIdentity(new Headers({ authorization: "k" }), url);
    expect(credentialIdentity(new Headers({ "x-api-key": "k" }), url)).not.toBe(asBearer);
    expect(credentialIdentity(new Headers(), `${url}?key=a`)).not.toBe(
      credentialIdentity(new Headers(), `${url}?key=b`),
    );
  });

  it("identifies a SigV4 request by its access key, not by its per-request signature", () => {
    const signed = (signature: string, keyId = "AKIDEXAMPLE") =>
      new Headers({
        authorization: `AWS4-HMAC-SHA256 Credential=${keyId}/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=${signature}`,
      });
    expect(credentialIdentity(signed("aaa"), url)).toBe(credentialIdentity(signed("bbb"), url));
    expect(credentialIdentity(signed("aaa", "AKIDOTHER"), url)).not.toBe(
      credentialIdentity(signed("aaa"), url),
    );
  });
});
