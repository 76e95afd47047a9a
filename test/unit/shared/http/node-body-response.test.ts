import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { LightHeaders } from "../../../../shared/http/light-headers.ts";
import { hasBody, NodeBodyResponse, takeNodeBody } from "../../../../shared/http/node-body-response.ts";

const source = (...chunks: string[]) => Readable.from(chunks.map((chunk) => Buffer.from(chunk)));
const init = () => ({
  status: 200,
  statusText: "OK",
  headers: new Headers({ "content-type": "text/plain" }),
});

describe("NodeBodyResponse", () => {
  it("answers the body methods from the Node stream, as a Response would", async () => {
    expect(await new NodeBodyResponse(source("a", "b"), init()).text()).toBe("ab");
    expect(await new NodeBodyResponse(source('{"x":', "1}"), init()).json()).toEqual({ x: 1 });
    expect(new Uint8Array(await new NodeBodyResponse(source("ab"), init()).arrayBuffer())).toEqual(
      new Uint8Array([97, 98]),
    );
  });

  it("keeps status, status text and headers", () => {
    const response = new NodeBodyResponse(source("a"), init());

    expect(response.status).toBe(200);
    expect(response.statusText).toBe("OK");
    expect(response.headers.get("content-type")).toBe("text/plain");
  });

  it("keeps the headers object it is given, and gives it to the web response it makes", async () => {
    const headers = new LightHeaders({ "content-type": "text/plain", "x-a": "1" });
    const response = new NodeBodyResponse(source("a"), { status: 201, headers });

    expect(response.headers).toBe(headers);
    const copy = response.clone();
    expect([...copy.headers]).toEqual([...headers]);
    expect(copy.status).toBe(201);
    expect(await copy.text()).toBe("a");
  });

  it("gives a web stream body on demand, the same one on every access", async () => {
    const response = new NodeBodyResponse(source("x", "y"), init());

    const body = response.body;
    const chunks: string[] = [];
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      chunks.push(Buffer.from(next.value).toString());
    }

    expect(response.body).toBe(body);
    expect(chunks.join("")).toBe("xy");
    expect(response.bodyUsed).toBe(true);
  });

  it("hands the Node stream over once, after which the body counts as used", async () => {
    const stream = source("a");
    const response = new NodeBodyResponse(stream, init());

    expect(response.bodyUsed).toBe(false);
    expect(takeNodeBody(response)).toBe(stream);
    expect(takeNodeBody(response)).toBeNull();
    expect(response.bodyUsed).toBe(true);
    expect(response.body).toBeNull();
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(() => response.clone()).toThrow(TypeError);
  });

  it("gives no Node stream once a web body was made from it", () => {
    const response = new NodeBodyResponse(source("a"), init());

    void response.body;

    expect(takeNodeBody(response)).toBeNull();
  });

  it("clones into two readable responses", async () => {
    const response = new NodeBodyResponse(source("same"), init());

    const copy = response.clone();

    expect(await copy.text()).toBe("same");
    expect(await response.text()).toBe("same");
  });

  it("destroys the Node stream when the web body is cancelled", async () => {
    const stream = source("a", "b");
    const response = new NodeBodyResponse(stream, init());

    await response.body?.cancel();

    expect(stream.destroyed).toBe(true);
  });
});

describe("hasBody and takeNodeBody", () => {
  it("tell a Node body apart without making a web stream of it", () => {
    const response = new NodeBodyResponse(source("a"), init());

    expect(hasBody(response)).toBe(true);
    expect(takeNodeBody(response)).not.toBeNull();
    expect(hasBody(response)).toBe(false);
  });

  it("work on any other Response", () => {
    expect(hasBody(new Response("x"))).toBe(true);
    expect(hasBody(new Response(null))).toBe(false);
    expect(takeNodeBody(new Response("x"))).toBeNull();
  });
});
