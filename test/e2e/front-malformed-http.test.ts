import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let gateway: TestGateway;
const CHAT_PATH = "/v1/local/default/openai/chat/completions";

beforeAll(async () => {
  // Short, so that the tests of a request that never finishes arriving do not wait the default minute.
  gateway = await startTestGateway({ AIG_REQUEST_TIMEOUT_MS: "1500" });
});

afterAll(async () => {
  await gateway?.stop();
});

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Whether the front closed the connection after answering. */
  closed: boolean;
}

/**
 * Writes `bytes` on a raw socket (what no HTTP client would send) and reads until the front closes the
 * connection, or `waitMs` has passed.
 */
function rawExchange(bytes: string | Buffer, waitMs = 10_000): Promise<RawAnswer> {
  const socket = connect(Number(new URL(gateway.gateway.url).port), "127.0.0.1");
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(false), waitMs);
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", ...rest] = text.split("\r\n\r\n");
      const [statusLine = "", ...headerLines] = head.split("\r\n");
      resolve({
        status: Number(statusLine.split(" ")[1] ?? 0),
        headers: Object.fromEntries(
          headerLines.map((line) => {
            const colon = line.indexOf(":");
            return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
          }),
        ),
        body: rest.join("\r\n\r\n"),
        closed,
      });
    };
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => finish(true));
    socket.on("close", () => finish(true));
    socket.on("error", reject);
    socket.write(bytes);
  });
}

/** The answer is JSON, names the problem, and the connection is closed. */
function expectJsonError(answer: RawAnswer, status: number, says: RegExp): void {
  expect(answer.status).toBe(status);
  expect(answer.headers["content-type"]).toBe("application/json");
  expect(Number(answer.headers["content-length"])).toBe(Buffer.byteLength(answer.body));
  expect((JSON.parse(answer.body) as { message: string }).message).toMatch(says);
  expect(answer.closed).toBe(true);
}

describe("the local front, given HTTP it cannot parse", () => {
  it("answers a request line that is not HTTP with 400 and a JSON body", async () => {
    expectJsonError(await rawExchange("GARBAGE\r\n\r\n"), 400, /Bad Request/);
  });

  it("answers two different Content-Length headers with 400 and a JSON body", async () => {
    const answer = await rawExchange(
      `POST ${CHAT_PATH} HTTP/1.1\r\nhost: local\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}`,
    );
    expectJsonError(answer, 400, /Content-Length/i);
  });

  it("answers a Content-Length that is not a number with 400 and a JSON body", async () => {
    const answer = await rawExchange(
      `POST ${CHAT_PATH} HTTP/1.1\r\nhost: local\r\ncontent-length: x\r\n\r\n{}`,
    );
    expectJsonError(answer, 400, /Content-Length/i);
  });

  it("answers headers over the size limit with 431 and a JSON body", async () => {
    const answer = await rawExchange(
      `GET ${CHAT_PATH} HTTP/1.1\r\nhost: local\r\nx-big: ${"a".repeat(64 * 1024)}\r\n\r\n`,
    );
    expectJsonError(answer, 431, /header/i);
  });
});

describe("the local front, given a request that stops arriving", () => {
  it("answers a body shorter than its Content-Length with 408 and a JSON body once the request timeout passes", async () => {
    const answer = await rawExchange(
      `POST ${CHAT_PATH} HTTP/1.1\r\nhost: local\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"model":`,
    );
    expectJsonError(answer, 408, /Request Timeout/);
  });

  it("answers headers that never end with 408 and a JSON body once the request timeout passes", async () => {
    const answer = await rawExchange(`GET ${CHAT_PATH} HTTP/1.1\r\nhost: local\r\nx-slow: 1\r\n`);
    expectJsonError(answer, 408, /Request Timeout/);
  });

  it("still serves a well-formed request on the same front", async () => {
    const response = await fetch(`${gateway.gateway.url}/nowhere`);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: "Missing Authentication Token" });
  });
});
