import { createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { buildApiGatewayEvent, parseRequestTarget } from "../../../../infra/local/api-gateway-event.ts";
import { closeServer } from "../../../support/close-server.ts";

const route = { resource: "/v1/{proxy+}", pathParameters: { proxy: "acct/default/openai/chat/completions" } };

let server: Server | undefined;

afterEach(async () => {
  await closeServer(server);
  server = undefined;
});

/** Sends one raw request (target and header lines as given) and returns the event built from what the server received. */
async function eventFor(
  target: string,
  headerLines: string[],
  body = "",
  build: (req: IncomingMessage, body: Buffer) => APIGatewayProxyEvent = (req, received) =>
    buildApiGatewayEvent(req, received, route, "acct"),
): Promise<APIGatewayProxyEvent> {
  let built: APIGatewayProxyEvent | undefined;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      built = build(req, Buffer.concat(chunks));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve, reject) => {
    const sent = request({ port, host: "127.0.0.1", method: body ? "POST" : "GET", path: target }, (res) => {
      res.resume();
      res.on("end", resolve);
    });
    sent.on("error", reject);
    // Raw header lines keep their case and repeats, as a client sends them.
    for (const line of headerLines) {
      const [name = "", value = ""] = line.split(": ");
      sent.appendHeader(name, value);
    }
    sent.end(body);
  });
  return built as APIGatewayProxyEvent;
}

describe("parseRequestTarget", () => {
  /** Each target and the path API Gateway would put in the event: the one sent, dot segments and escapes kept. */
  const targets: [string, string][] = [
    ["/v1/acct/default/openai/chat/completions", "/v1/acct/default/openai/chat/completions"],
    ["/v1/acct/default/openai/chat/completions?", "/v1/acct/default/openai/chat/completions"],
    ["/v1/acct/default/openai/models?limit=2&after=abc&limit=3", "/v1/acct/default/openai/models"],
    ["/v1/a?q=a+b&r=%20x%2By&s=%E2%82%AC&flag&=empty&t=x=y", "/v1/a"],
    ["/v1/a?q='quoted'&bad=%zz&slash=/a/b?c", "/v1/a"],
    ["/v1/a/../b/./c", "/v1/a/../b/./c"],
    ["/v1/a/%2e%2e/b", "/v1/a/%2e%2e/b"],
    ["/v1/a/.well-known/x", "/v1/a/.well-known/x"],
    ["/v1/it's/a:b@c;d=e,f(g)*!$~+_-x.y", "/v1/it's/a:b@c;d=e,f(g)*!$~+_-x.y"],
    ["/v1/a/..", "/v1/a/.."],
    ["/v1/a/.", "/v1/a/."],
    ["/v1/a%20b/c", "/v1/a%20b/c"],
    ["/v1/a b", "/v1/a b"],
    ["/v1/\u00e9t\u00e9", "/v1/\u00e9t\u00e9"],
    ["/v1/a\\b", "/v1/a\\b"],
    ["//evil.example/v1/x", "//evil.example/v1/x"],
    ["/v1/a?q=a b&r=<x>", "/v1/a"],
    ["/v1/a?q=\u00e9", "/v1/a"],
    ["/v1/a#fragment", "/v1/a"],
    ["/v1/a?q=1#fragment", "/v1/a"],
    ["http://other.host:8080/v1/x?y=1", "/v1/x"],
    ["http://other.host:8080", "/"],
    ["*", "*"],
    ["/", "/"],
    ["", ""],
  ];

  it.each(targets)(
    "keeps the path of %j as sent (%j) and reads its query as the URL parser does",
    (target, path) => {
      const url = new URL(target, "http://127.0.0.1");

      const parsed = parseRequestTarget(target);

      expect(parsed.path).toBe(path);
      expect([...(parsed.query ?? [])]).toEqual([...url.searchParams]);
    },
  );

  it("has no query parameters for a target without a query", () => {
    expect(parseRequestTarget("/v1/a/b").query).toBeNull();
  });
});

describe("buildApiGatewayEvent", () => {
  it("builds API Gateway's REST event from a request: path, query, headers as sent, body in base64", async () => {
    const event = await eventFor(
      "/v1/acct/default/openai/models?limit=2&after=a%20b&limit=3",
      ["Content-Type: application/json", "X-Repeat: one", "X-Repeat: two", "User-Agent: tester/1"],
      '{"a":1}',
    );

    expect(event).toMatchObject({
      resource: "/v1/{proxy+}",
      path: "/v1/acct/default/openai/models",
      httpMethod: "POST",
      queryStringParameters: { limit: "3", after: "a b" },
      multiValueQueryStringParameters: { limit: ["2", "3"], after: ["a b"] },
      pathParameters: route.pathParameters,
      stageVariables: null,
      body: Buffer.from('{"a":1}').toString("base64"),
      isBase64Encoded: true,
      requestContext: {
        accountId: "acct",
        stage: "local",
        httpMethod: "POST",
        path: "/v1/acct/default/openai/models",
        protocol: "HTTP/1.1",
        resourcePath: "/v1/{proxy+}",
        identity: { sourceIp: "127.0.0.1", userAgent: "tester/1" },
      },
    });
    expect(event.headers).toMatchObject({ "Content-Type": "application/json", "X-Repeat": "two" });
    expect(event.multiValueHeaders).toMatchObject({ "X-Repeat": ["one", "two"], "User-Agent": ["tester/1"] });
    expect(event.requestContext.requestId).not.toBe(event.requestContext.extendedRequestId);
  });

  it("has null query maps and a null body for a GET without either", async () => {
    const event = await eventFor("/v1/acct/default/openai/models?", []);

    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
    expect(event.body).toBeNull();
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext.identity.userAgent).toBeNull();
  });

  it("puts the path in the event as sent, dot segments unresolved (the handlers refuse them)", async () => {
    const event = await eventFor("/v1/acct/x/../default/%2E%2e/openai/models", []);

    expect(event.path).toBe("/v1/acct/x/../default/%2E%2e/openai/models");
    expect(event.requestContext.path).toBe("/v1/acct/x/../default/%2E%2e/openai/models");
  });

  it("keeps query and header names that are also Object.prototype's (valueOf, __proto__) as plain names", async () => {
    const event = await eventFor("/v1/acct/default/openai/models?valueOf=1&__proto__=2&toString", [
      "constructor: c",
    ]);

    expect(event.multiValueQueryStringParameters?.valueOf).toEqual(["1"]);
    expect(Object.entries(event.queryStringParameters ?? {})).toEqual([
      ["valueOf", "1"],
      ["__proto__", "2"],
      ["toString", ""],
    ]);
    expect(event.multiValueHeaders.constructor).toEqual(["c"]);
  });

  it("builds the same event from a target parsed beforehand as from the request alone", async () => {
    let own: APIGatewayProxyEvent | undefined;
    const given = await eventFor("/v1/acct/default/openai/models?limit=2", ["X-A: 1"], "", (req, body) => {
      own = buildApiGatewayEvent(req, body, route, "acct");
      return buildApiGatewayEvent(req, body, route, "acct", parseRequestTarget(req.url ?? "/"));
    });
    const withoutIds = (event: APIGatewayProxyEvent | undefined) => ({
      ...event,
      requestContext: { ...event?.requestContext, requestId: "", extendedRequestId: "", requestTimeEpoch: 0 },
    });

    expect(given.queryStringParameters).toEqual({ limit: "2" });
    expect(withoutIds(given)).toEqual(withoutIds(own));
  });
});
