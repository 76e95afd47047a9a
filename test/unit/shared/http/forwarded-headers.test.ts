import { describe, expect, it } from "vitest";
import { clientResponseHeaders, upstreamRequestHeaders } from "../../../../shared/http/forwarded-headers.ts";
import { LightHeaders } from "../../../../shared/http/light-headers.ts";

function names(headers: Headers): string[] {
  return [...headers.keys()];
}

describe("upstreamRequestHeaders", () => {
  it.each([
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
  ])("drops the hop-by-hop header %s", (name) => {
    const forwarded = upstreamRequestHeaders(
      new Headers({ [name]: "x", "content-type": "application/json" }),
    );

    expect(forwarded.has(name)).toBe(false);
    expect(forwarded.get("content-type")).toBe("application/json");
  });

  it("drops headers listed in Connection", () => {
    const client = new Headers({ connection: "X-Custom-Hop, x-other", "x-custom-hop": "1", "x-other": "2" });

    const forwarded = upstreamRequestHeaders(client);

    expect(names(forwarded)).toEqual([]);
  });

  it.each(["host", "content-length", "forwarded", "via", "x-real-ip"])("drops %s", (name) => {
    const forwarded = upstreamRequestHeaders(new Headers({ [name]: "1" }));

    expect(forwarded.has(name)).toBe(false);
  });

  it.each([
    "cf-aig-authorization",
    "cf-aig-metadata",
    "cf-aig-collect-log",
    "cf-aig-event-id",
    "cf-aig-request-timeout",
    "cf-aig-cache-ttl",
  ])("drops the gateway header %s", (name) => {
    const forwarded = upstreamRequestHeaders(new Headers({ [name]: "Bearer gateway-token" }));

    expect(forwarded.has(name)).toBe(false);
  });

  it("never lets the gateway token reach the provider, whatever the header's case", () => {
    const client = new Headers();
    client.set("CF-AIG-Authorization", "Bearer gateway-token");
    client.set("authorization", "Bearer provider-key");

    const forwarded = upstreamRequestHeaders(client);

    expect([...forwarded.values()].join("\n")).not.toContain("gateway-token");
    expect(forwarded.get("authorization")).toBe("Bearer provider-key");
  });

  it.each([
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-port",
    "x-amzn-trace-id",
    "x-amzn-apigateway-api-id",
    "cloudfront-viewer-country",
    "cloudfront-is-desktop-viewer",
    "x-amz-cf-id",
  ])("drops the AWS front door header %s", (name) => {
    const forwarded = upstreamRequestHeaders(new Headers({ [name]: "1" }));

    expect(forwarded.has(name)).toBe(false);
  });

  it("keeps provider credentials and signing headers unchanged", () => {
    const credentials = {
      authorization: "Bearer sk-provider",
      "x-api-key": "sk-ant",
      "api-key": "azure-key",
      "x-goog-api-key": "goog-key",
      "anthropic-version": "2023-06-01",
      "x-amz-date": "20250101T000000Z",
      "x-amz-security-token": "session-token",
      "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
      "content-type": "application/json",
      accept: "text/event-stream",
    };

    const forwarded = upstreamRequestHeaders(new Headers(credentials));

    expect(Object.fromEntries(forwarded)).toEqual(credentials);
  });

  it("does not modify the client's headers", () => {
    const client = new Headers({ host: "gateway", "cf-aig-authorization": "Bearer t" });

    upstreamRequestHeaders(client);

    expect(client.get("host")).toBe("gateway");
    expect(client.get("cf-aig-authorization")).toBe("Bearer t");
  });
});

describe("clientResponseHeaders", () => {
  it("drops content-encoding and content-length, which describe bytes fetch has already decoded", () => {
    const upstream = new Headers({
      "content-encoding": "gzip",
      "content-length": "120",
      "content-type": "text/plain",
    });

    const forwarded = clientResponseHeaders(upstream);

    expect(names(forwarded)).toEqual(["content-type"]);
  });

  it("drops hop-by-hop headers and headers listed in Connection", () => {
    const upstream = new Headers({
      connection: "keep-alive, x-hop",
      "keep-alive": "timeout=5",
      "transfer-encoding": "chunked",
      "x-hop": "1",
      "x-request-id": "req_1",
    });

    const forwarded = clientResponseHeaders(upstream);

    expect(names(forwarded)).toEqual(["x-request-id"]);
  });

  it("keeps content-type, retry-after, x-request-id and every set-cookie", () => {
    const upstream = new Headers({
      "content-type": "application/json",
      "retry-after": "3",
      "x-request-id": "req_1",
    });
    upstream.append("set-cookie", "a=1; Path=/");
    upstream.append("set-cookie", "b=2; Path=/");

    const forwarded = clientResponseHeaders(upstream);

    expect(forwarded.get("content-type")).toBe("application/json");
    expect(forwarded.get("retry-after")).toBe("3");
    expect(forwarded.get("x-request-id")).toBe("req_1");
    expect(forwarded.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
  });

  it("keeps provider rate-limit headers", () => {
    const upstream = new Headers({
      "x-ratelimit-remaining-requests": "99",
      "anthropic-ratelimit-tokens-limit": "1",
    });

    const forwarded = clientResponseHeaders(upstream);

    expect(Object.fromEntries(forwarded)).toEqual(Object.fromEntries(upstream));
  });
});

describe("forwarded headers from either kind of Headers", () => {
  const client: [string, string][] = [
    ["Host", "gw.example"],
    ["Connection", "x-hop"],
    ["x-hop", "1"],
    ["Content-Type", "application/json"],
    ["set-cookie", "a=1"],
    ["set-cookie", "b=2"],
    ["X-Trace", "a"],
    ["x-trace", "b"],
    ["cf-aig-authorization", "Bearer gateway-token"],
  ];

  it("gives the same LightHeaders from a platform Headers and from a LightHeaders", () => {
    for (const select of [upstreamRequestHeaders, clientResponseHeaders]) {
      const fromPlatform = select(new Headers(client));
      const fromLight = select(new LightHeaders(client));

      expect(fromPlatform).toBeInstanceOf(LightHeaders);
      expect(fromLight).toBeInstanceOf(LightHeaders);
      expect([...fromLight]).toEqual([...fromPlatform]);
      expect(fromLight.getSetCookie()).toEqual(["a=1", "b=2"]);
      expect(fromLight.get("x-trace")).toBe("a, b");
      expect(fromLight.has("x-hop")).toBe(false);
    }
  });

  it("gives a copy: changing it leaves the source as it was", () => {
    const source = new LightHeaders(client);

    const forwarded = upstreamRequestHeaders(source);
    forwarded.set("content-type", "text/plain");
    forwarded.append("set-cookie", "c=3");

    expect(source.get("content-type")).toBe("application/json");
    expect(source.getSetCookie()).toEqual(["a=1", "b=2"]);
  });
});
