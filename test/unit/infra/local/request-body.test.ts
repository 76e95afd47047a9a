import { Agent, createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { readBody } from "../../../../infra/local/request-body.ts";
import { closeServer } from "../../../support/close-server.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: Server | undefined;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

afterEach(async () => {
  await closeServer(server);
  server = undefined;
});

/** A server that reads each request's body with readBody (limit 1 KiB) and answers with what it read. */
async function serve(seen: (outcome: Buffer | null | Error, req: IncomingMessage) => void = () => {}) {
  server = createServer((req, res) => {
    readBody(req, 1024).then(
      (body) => {
        seen(body, req);
        if (body === null) res.writeHead(413).end("too large");
        else res.end(`${body.byteLength}:${body.toString()}`);
      },
      (error: Error) => seen(error, req),
    );
  });
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, sockets };
}

/** POSTs the parts, each in its own write a few ms apart, and returns the status and body of the answer. */
function post(port: number, parts: (string | Buffer)[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sent = request({ port, host: "127.0.0.1", method: "POST", path: "/", agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    sent.on("error", reject);
    void (async () => {
      for (const part of parts) {
        sent.write(part);
        await sleep(5);
      }
      sent.end();
    })();
  });
}

describe("readBody", () => {
  it("reads a body that arrives with the headers", async () => {
    const { port } = await serve();

    expect(await post(port, ['{"model":"x"}'])).toEqual({ status: 200, body: '13:{"model":"x"}' });
  });

  it("joins a body that arrives in several chunks, in order", async () => {
    const { port } = await serve();

    expect(await post(port, ["one,", "two,", "three"])).toEqual({ status: 200, body: "13:one,two,three" });
  });

  it("reads an empty body as zero bytes", async () => {
    const { port } = await serve();

    expect(await post(port, [])).toEqual({ status: 200, body: "0:" });
  });

  it("answers null past the limit, and drops the rest of the body so the connection serves the next request", async () => {
    const { port, sockets } = await serve();

    const refused = await post(port, [Buffer.alloc(1000), Buffer.alloc(1000), Buffer.alloc(1000)]);
    const next = await post(port, ["after"]);

    expect(refused).toEqual({ status: 413, body: "too large" });
    expect(next).toEqual({ status: 200, body: "5:after" });
    expect(sockets.size).toBe(1);
  });

  it("rejects when the client goes away before the end of its body", async () => {
    let settled: (outcome: Buffer | null | Error) => void = () => {};
    const outcome = new Promise<Buffer | null | Error>((resolve) => {
      settled = resolve;
    });
    const { port } = await serve((result) => settled(result));
    const sent = request({
      port,
      host: "127.0.0.1",
      method: "POST",
      path: "/",
      headers: { "content-length": "100" },
    });
    sent.on("error", () => {});
    sent.write("partial");
    await sleep(20);

    sent.destroy();

    expect(await outcome).toBeInstanceOf(Error);
  });
});
