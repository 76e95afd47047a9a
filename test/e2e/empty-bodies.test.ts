import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

/**
 * Responses with no body keep their status and headers. On Lambda the response stream's prelude (status,
 * headers) goes out at the first write, so a handler that ends the stream without writing sends a bare 200;
 * the local runtime does the same (infra/local/local-response-stream.ts), which is what these tests catch.
 */
let t: TestGateway;
let upstream: Server;

beforeAll(async () => {
  // A provider standing in for groq that answers each path with an empty body: 204, an empty 200, a 304.
  upstream = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const status = req.url?.endsWith("/no-content") ? 204 : req.url?.endsWith("/not-modified") ? 304 : 200;
      res.writeHead(status, { "x-upstream": "kept", "content-type": "application/json" });
      res.end();
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  t = await startTestGateway({
    UPSTREAM_GROQ_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/openai/v1`,
  });
});

afterAll(async () => {
  await t?.stop();
  await new Promise((resolve) => upstream?.close(resolve));
});

/** One request with node:http (fetch cannot send HEAD and read a 304 as it came). */
function send(
  method: string,
  path: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${t.providerUrl("groq")}${path}`,
      { method, headers: { ...t.gatewayAuth, authorization: "Bearer gsk-test" } },
      (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    outgoing.on("error", reject);
    outgoing.end();
  });
}

describe("responses without a body, through the local runtime", () => {
  it.each([
    ["a 204 from the provider", "GET", "/no-content", 204],
    ["a 304 from the provider", "GET", "/not-modified", 304],
    ["an empty 200 body from the provider", "GET", "/models", 200],
    ["a HEAD request", "HEAD", "/models", 200],
  ])("keep their status and headers: %s", async (_, method, path, status) => {
    const answer = await send(method, path);

    expect(answer.status).toBe(status);
    expect(answer.headers["x-upstream"]).toBe("kept");
    expect(answer.headers["cf-aig-log-id"]).toEqual(expect.any(String));
    expect(answer.body).toBe("");
  });
});
