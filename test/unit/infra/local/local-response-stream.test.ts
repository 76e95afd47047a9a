import { createServer, get, type Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { installLambdaGlobals, PRELUDE_DELIMITER } from "../../../../infra/local/lambda-globals.ts";
import { LocalResponseStream } from "../../../../infra/local/local-response-stream.ts";
import { closeServer } from "../../../support/close-server.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: Server | undefined;

/** An HTTP server on a loopback port whose handler writes through a LocalResponseStream, as the local front does. */
async function serve(handler: (stream: LocalResponseStream) => Promise<void> | void): Promise<string> {
  server = createServer((_req, res) => {
    installLambdaGlobals();
    void handler(new LocalResponseStream(res));
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A GET on a raw socket: the bytes as they arrive, framing included, up to the point `done` says. */
async function rawGet(
  url: string,
  done: (received: string) => boolean,
): Promise<{ socket: Socket; received: string }> {
  const socket = connect(Number(new URL(url).port), "127.0.0.1");
  let received = "";
  await new Promise<void>((resolve) => {
    socket.on("data", (chunk) => {
      received += chunk.toString();
      if (done(received)) resolve();
    });
    socket.write("GET / HTTP/1.1\r\nhost: local\r\n\r\n");
  });
  return { socket, received };
}

afterEach(async () => {
  await closeServer(server);
  server = undefined;
});

describe("LocalResponseStream", () => {
  it("sends the prelude's status, headers and cookies, then streams the body chunk by chunk", async () => {
    const events: string[] = [];
    const url = await serve(async (stream) => {
      const out = awslambda.HttpResponseStream.from(stream, {
        statusCode: 201,
        headers: { "x-a": "1", "content-type": "text/plain" },
        cookies: ["a=b"],
      });
      for (const chunk of ["one,", "two,"]) {
        out.write(chunk);
        await sleep(50);
      }
      events.push("last chunk written");
      out.end("three");
    });

    const response = await fetch(url);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    events.push("first chunk received");
    let body = Buffer.from(first.value ?? []).toString();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      body += Buffer.from(next.value).toString();
    }

    expect(response.status).toBe(201);
    expect(response.headers.get("x-a")).toBe("1");
    expect(response.headers.getSetCookie()).toEqual(["a=b"]);
    expect(body).toBe("one,two,three");
    expect(events).toEqual(["first chunk received", "last chunk written"]);
  });

  it("parses a prelude split across writes, delimiter included", async () => {
    const prelude = Buffer.from(JSON.stringify({ statusCode: 202, headers: { "x-split": "yes" } }));
    const whole = Buffer.concat([prelude, PRELUDE_DELIMITER, Buffer.from("body")]);
    const url = await serve(async (stream) => {
      stream.write(whole.subarray(0, 10));
      await sleep(10);
      stream.write(whole.subarray(10, prelude.byteLength + 3));
      await sleep(10);
      stream.end(whole.subarray(prelude.byteLength + 3));
    });

    const response = await fetch(url);

    expect(response.status).toBe(202);
    expect(response.headers.get("x-split")).toBe("yes");
    expect(await response.text()).toBe("body");
  });

  it("answers 200 with an empty body when the handler ends without a prelude", async () => {
    const url = await serve((stream) => {
      stream.end();
    });

    const response = await fetch(url);

    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });

  it("sends what a handler wrote without a prelude as the body of a 200", async () => {
    const url = await serve((stream) => {
      stream.write("hello without prelude");
      stream.end();
    });

    const response = await fetch(url);

    expect(response.status).toBe(200);
    expect(await response.text()).toBe("hello without prelude");
  });

  it("defaults the status to 200 when the prelude names none", async () => {
    const url = await serve((stream) => {
      stream.end(Buffer.concat([Buffer.from("{}"), PRELUDE_DELIMITER, Buffer.from("ok")]));
    });

    const response = await fetch(url);

    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
  });

  it("cuts the client connection when the handler destroys the stream with an error", async () => {
    const url = await serve(async (stream) => {
      stream.on("error", () => {});
      const out = awslambda.HttpResponseStream.from(stream, { statusCode: 200 });
      out.write("partial");
      await sleep(20);
      out.destroy(new Error("provider cut the stream"));
    });

    const response = await fetch(url);

    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it("destroys the stream when the client leaves before the end", async () => {
    let closed: (stream: LocalResponseStream) => void = () => {};
    const serverSaw = new Promise<LocalResponseStream>((resolve) => {
      closed = resolve;
    });
    const url = await serve((stream) => {
      stream.on("close", () => closed(stream));
      awslambda.HttpResponseStream.from(stream, { statusCode: 200 }).write("first");
    });
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    await (response.body as ReadableStream<Uint8Array>).getReader().read();

    controller.abort();
    const stream = await serverSaw;

    expect(stream.destroyed).toBe(true);
    expect(stream.writableFinished).toBe(false);
  });

  it("sends what the handler writes in one turn (prelude, body, end) in one socket write", async () => {
    let writes = 0;
    const url = await serve(async (stream) => {
      const socket = (stream as unknown as { res: { socket: { _writev: unknown; _write: unknown } } }).res
        .socket;
      for (const method of ["_writev", "_write"] as const) {
        const original = socket[method] as (...args: unknown[]) => unknown;
        socket[method] = function (this: unknown, ...args: unknown[]) {
          writes++;
          return original.apply(this, args);
        };
      }
      const out = awslambda.HttpResponseStream.from(stream, { statusCode: 200, headers: { "x-a": "1" } });
      await Promise.resolve();
      out.write('{"id":"chatcmpl-1"}');
      await Promise.resolve();
      out.end();
    });

    const response = await fetch(url);

    expect(await response.text()).toBe('{"id":"chatcmpl-1"}');
    expect(writes).toBe(1);
  });

  it("sends a turn's writes when that turn ends, not a turn later", async () => {
    let writes = 0;
    let writesWhenTheTurnEnded = -1;
    const url = await serve(async (stream) => {
      const socket = (stream as unknown as { res: { socket: { _writev: unknown; _write: unknown } } }).res
        .socket;
      for (const method of ["_writev", "_write"] as const) {
        const original = socket[method] as (...args: unknown[]) => unknown;
        socket[method] = function (this: unknown, ...args: unknown[]) {
          writes++;
          return original.apply(this, args);
        };
      }
      const out = awslambda.HttpResponseStream.from(stream, { statusCode: 200 });
      out.write("first");
      // Runs after the stream's own end of turn (queued after it): what the turn wrote has left by now.
      await new Promise((resolve) => setImmediate(resolve));
      writesWhenTheTurnEnded = writes;
      out.end();
    });

    const response = await fetch(url);

    expect(await response.text()).toBe("first");
    expect(writesWhenTheTurnEnded).toBe(1);
  });

  it("joins the body chunks written after a turn's first into one HTTP chunk, turn by turn", async () => {
    const url = await serve(async (stream) => {
      const out = awslambda.HttpResponseStream.from(stream, { statusCode: 200 });
      for (const chunk of ["a", "b", "c"]) out.write(chunk);
      await sleep(10);
      for (const chunk of ["d", "e", "f"]) out.write(chunk);
      await sleep(10);
      out.end();
    });
    const { socket, received } = await rawGet(url, (text) => text.endsWith("0\r\n\r\n"));
    socket.destroy();

    // The prelude's turn corks the stream before any body: its three chunks are one. A later turn's first
    // chunk is written at once, and the rest of that turn's follow it as one.
    expect(received.slice(received.indexOf("\r\n\r\n") + 4)).toBe(
      "3\r\nabc\r\n1\r\nd\r\n2\r\nef\r\n0\r\n\r\n",
    );
  });

  it("sends a chunk written in a later turn without waiting for the end", async () => {
    let release: () => void = () => {};
    const url = await serve(async (stream) => {
      const out = awslambda.HttpResponseStream.from(stream, { statusCode: 200 });
      await sleep(10);
      out.write("first");
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      out.end("last");
    });
    const { socket, received } = await rawGet(url, (text) => text.includes("first"));
    release();

    expect(received).toMatch(/^HTTP\/1.1 200 OK/);
    expect(received).not.toContain("last");
    socket.destroy();
  });
});

interface ClientView {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with node:http, the way a client sees the answer (the Date header left out: it moves). */
async function viewOf(url: string): Promise<ClientView> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => {
        const { date: _date, ...headers } = response.headers;
        resolve({ status: response.statusCode ?? 0, headers, body });
      });
    }).on("error", reject);
  });
}

/** Writes the prelude's bytes as a handler could write them itself, skipping HttpResponseStream.from. */
function preludeBytes(prelude: object): Buffer {
  return Buffer.concat([Buffer.from(JSON.stringify(prelude)), PRELUDE_DELIMITER]);
}

describe("LocalResponseStream prelude object (HttpResponseStream.from)", () => {
  const prelude = {
    statusCode: 207,
    headers: { "content-type": "application/json", "x-trace": "abc" },
    cookies: ["a=1; Path=/", "b=2; HttpOnly"],
  };

  it("gives a client the same status, headers, cookies and body as the prelude's bytes", async () => {
    const fromObject = await viewOf(
      await serve((stream) => {
        const out = awslambda.HttpResponseStream.from(stream, prelude);
        out.write('{"ok":');
        out.end("true}");
      }),
    );
    const fromBytes = await viewOf(
      await serve((stream) => {
        stream.write(preludeBytes(prelude));
        stream.write('{"ok":');
        stream.end("true}");
      }),
    );

    expect(fromObject).toEqual({
      status: 207,
      headers: expect.objectContaining({
        "content-type": "application/json",
        "x-trace": "abc",
        "set-cookie": ["a=1; Path=/", "b=2; HttpOnly"],
      }),
      body: '{"ok":true}',
    });
    expect(fromObject).toEqual(fromBytes);
  });

  it("takes the prelude without writing its bytes on the stream", async () => {
    let bytesWritten = 0;
    const url = await serve((stream) => {
      const internal = stream as unknown as Record<"_write" | "_writev", (...args: unknown[]) => void>;
      const write = internal._write.bind(stream);
      const writev = internal._writev.bind(stream);
      internal._write = (chunk, ...rest) => {
        bytesWritten += (chunk as Buffer).byteLength;
        write(chunk, ...rest);
      };
      internal._writev = (chunks, ...rest) => {
        for (const { chunk } of chunks as { chunk: Buffer }[]) bytesWritten += chunk.byteLength;
        writev(chunks, ...rest);
      };
      awslambda.HttpResponseStream.from(stream, prelude).write(Buffer.alloc(0));
      stream.end();
    });

    const view = await viewOf(url);

    expect(view.status).toBe(207);
    expect(bytesWritten).toBe(0);
  });

  it("sends a prelude followed by a zero-length write and no body as an empty response with its status and headers", async () => {
    const view = await viewOf(
      await serve((stream) => {
        const out = awslambda.HttpResponseStream.from(stream, {
          statusCode: 204,
          headers: { "x-empty": "yes" },
        });
        out.write(Buffer.alloc(0));
        out.end();
      }),
    );

    expect(view.status).toBe(204);
    expect(view.headers["x-empty"]).toBe("yes");
    expect(view.body).toBe("");
  });

  it.each([
    ["ended without a write", (out: NodeJS.WritableStream) => out.end()],
    ["ended with its only chunk", (out: NodeJS.WritableStream) => out.end("gone")],
  ])("loses the prelude's status and headers when the stream is %s, as on Lambda", async (_, finish) => {
    const view = await viewOf(
      await serve((stream) => {
        finish(awslambda.HttpResponseStream.from(stream, { statusCode: 404, headers: { "x-lost": "yes" } }));
      }),
    );

    expect(view.status).toBe(200);
    expect(view.headers).not.toHaveProperty("x-lost");
  });

  it("sends the headers as they were when given, though the handler changes its objects afterwards", async () => {
    const view = await viewOf(
      await serve(async (stream) => {
        const reused = { statusCode: 200, headers: { "x-a": "first" }, cookies: ["c=1"] };
        const out = awslambda.HttpResponseStream.from(stream, reused);
        reused.headers["x-a"] = "second";
        reused.cookies.push("d=2");
        await sleep(5);
        out.write("body");
        out.end();
      }),
    );

    expect(view.headers["x-a"]).toBe("first");
    expect(view.headers["set-cookie"]).toEqual(["c=1"]);
  });

  it("leaves out a header whose value is undefined, as the prelude's JSON would", async () => {
    const view = await viewOf(
      await serve((stream) => {
        const headers = { "x-kept": "1", "x-gone": undefined } as unknown as Record<string, string>;
        const out = awslambda.HttpResponseStream.from(stream, { statusCode: 200, headers });
        out.write("ok");
        out.end();
      }),
    );

    expect(view.headers["x-kept"]).toBe("1");
    expect(view.headers).not.toHaveProperty("x-gone");
    expect(view.body).toBe("ok");
  });

  it("writes the prelude's bytes, in order, on a stream its writer has corked", async () => {
    const view = await viewOf(
      await serve((stream) => {
        stream.cork();
        const out = awslambda.HttpResponseStream.from(stream, prelude);
        out.write("after the prelude");
        stream.uncork();
        out.end();
      }),
    );

    expect(view.status).toBe(207);
    expect(view.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; HttpOnly"]);
    expect(view.body).toBe("after the prelude");
  });
});
