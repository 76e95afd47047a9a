import type { APIGatewayProxyEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { eventToRequest } from "../../../../functions/lib/event-to-request.ts";
import { InMemoryRequest } from "../../../../functions/lib/in-memory-request.ts";
import { LightHeaders } from "../../../../shared/http/light-headers.ts";
import { rawPathOf } from "../../../../shared/http/raw-path.ts";

function event(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  const body = Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"héllo ✓"}]}');
  return {
    resource: "/v1/{proxy+}",
    path: "/v1/local/default/openai/chat/completions",
    httpMethod: "POST",
    headers: { Host: "gw.example", "Content-Type": "application/json" },
    multiValueHeaders: { Host: ["gw.example"], "Content-Type": ["application/json"], "X-Multi": ["a", "b"] },
    queryStringParameters: { q: "1 2" },
    multiValueQueryStringParameters: { q: ["1 2"], r: ["x", "y"] },
    pathParameters: null,
    stageVariables: null,
    body: body.toString("base64"),
    isBase64Encoded: true,
    requestContext: {} as APIGatewayProxyEvent["requestContext"],
    ...overrides,
  };
}

describe("eventToRequest", () => {
  it("keeps the event's path as it came beside the URL, which resolves its dot segments", () => {
    const request = eventToRequest(event({ path: "/v1/local/x/%2E%2e/default/openai/chat/completions" }));

    expect(new URL(request.url).pathname).toBe("/v1/local/default/openai/chat/completions");
    expect(rawPathOf(request)).toBe("/v1/local/x/%2E%2e/default/openai/chat/completions");
  });

  it("builds the URL, method and headers of the event", () => {
    const request = eventToRequest(event());
    expect(request.url).toBe("https://gw.example/v1/local/default/openai/chat/completions?q=1+2&r=x&r=y");
    expect(request.method).toBe("POST");
    expect(request.headers.get("content-type")).toBe("application/json");
    expect(request.headers.get("x-multi")).toBe("a, b");
    expect(request.headers).toBeInstanceOf(LightHeaders);
  });

  it("gives the decoded body bytes exactly, once", async () => {
    const request = eventToRequest(event());
    expect(request.bodyUsed).toBe(false);
    const bytes = new Uint8Array(await request.arrayBuffer());
    expect(Buffer.from(bytes).toString("utf8")).toBe(
      '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"héllo ✓"}]}',
    );
    expect(bytes.byteLength).toBe(Buffer.byteLength(Buffer.from(bytes).toString("utf8")));
    expect(request.bodyUsed).toBe(true);
    await expect(request.arrayBuffer()).rejects.toThrow(TypeError);
  });

  it("reads as text, JSON, a blob and a stream like any Request", async () => {
    expect(await eventToRequest(event()).text()).toContain("héllo ✓");
    expect(await eventToRequest(event()).json()).toMatchObject({ model: "gpt-4o-mini" });
    const blob = await eventToRequest(event()).blob();
    expect(blob.type).toBe("application/json");
    expect(await blob.text()).toContain("héllo ✓");
    const streamed = await new Response(eventToRequest(event()).body).text();
    expect(streamed).toContain("héllo ✓");
  });

  it("clones with the body, and a clone reads independently", async () => {
    const request = eventToRequest(event());
    const copy = request.clone();
    expect(await copy.text()).toBe(await request.text());
  });

  it("has no body for GET, for an empty body, and for a plain-text event body", async () => {
    const get = eventToRequest(event({ httpMethod: "GET" }));
    expect(get.body).toBeNull();
    expect(await get.text()).toBe("");
    expect(eventToRequest(event({ body: null, isBase64Encoded: false })).body).toBeNull();
    const plain = eventToRequest(event({ body: '{"a":1}', isBase64Encoded: false }));
    expect(await plain.json()).toEqual({ a: 1 });
  });

  it("takes a header from the single-value map only when the multi-value map lacks it, in any case", () => {
    const request = eventToRequest(
      event({
        headers: { Host: "gw.example", "X-Only-Single": "s", "x-multi": "ignored" },
        multiValueHeaders: { Host: ["gw.example"], "X-Multi": ["a", "b"] },
      }),
    );

    expect(request.headers.get("x-only-single")).toBe("s");
    expect(request.headers.get("x-multi")).toBe("a, b");
  });

  it("has the URL a platform Request would have, host case and default port included", () => {
    const request = eventToRequest(
      event({ headers: { Host: "GW.Example:443" }, multiValueHeaders: {}, path: "/v1/a/../b c" }),
    );

    expect(request.url).toBe(new Request("https://GW.Example:443/v1/a/../b c?q=1+2&r=x&r=y").url);
    expect(request.url).toBe("https://gw.example/v1/b%20c?q=1+2&r=x&r=y");
  });

  it("returns an exact ArrayBuffer even when the bytes sit in a pooled buffer", async () => {
    const pooled = Buffer.from("abc");
    const request = new InMemoryRequest("https://x/", { method: "POST", headers: new Headers() }, pooled);
    const buffer = await request.arrayBuffer();
    expect(buffer.byteLength).toBe(3);
    expect(Buffer.from(buffer).toString()).toBe("abc");
  });
});
