import { PassThrough, Readable, Writable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { streamResponse } from "../../../../functions/lib/stream-response.ts";
import { installLambdaGlobals } from "../../../../infra/local/lambda-globals.ts";
import { NodeBodyResponse } from "../../../../shared/http/node-body-response.ts";

beforeAll(() => installLambdaGlobals());

/** A Lambda response stream stand-in: what the handler wrote after the prelude, and how it ended. */
function sink(options: { highWaterMark?: number; hold?: boolean } = {}) {
  const written: Buffer[] = [];
  const pending: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark: options.highWaterMark ?? 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk);
      if (options.hold) pending.push(() => callback());
      else callback();
    },
  });
  const body = () => {
    const all = Buffer.concat(written);
    return all.subarray(all.indexOf(Buffer.alloc(8)) + 8).toString();
  };
  return {
    stream,
    written,
    body,
    release: () => {
      for (const next of pending.splice(0)) next();
    },
  };
}

const nodeResponse = (source: Readable) =>
  new NodeBodyResponse(source, { status: 200, headers: new Headers({ "content-type": "text/plain" }) });

describe("streamResponse with a Node body", () => {
  it("writes the prelude, then every chunk in order, then ends the stream", async () => {
    const { stream, written, body } = sink();

    await streamResponse(nodeResponse(Readable.from([Buffer.from("one "), Buffer.from("two")])), stream);

    expect(JSON.parse(written[0]?.toString().split("\0")[0] ?? "")).toMatchObject({ statusCode: 200 });
    expect(body()).toBe("one two");
    expect(stream.writableEnded).toBe(true);
  });

  it("writes each chunk when the body gives it, not at the end", async () => {
    const { stream, body } = sink();
    const source = new PassThrough();

    const done = streamResponse(nodeResponse(source), stream);
    source.write("first");
    await new Promise((resolve) => setTimeout(resolve, 10));
    const beforeEnd = body();
    source.end("second");
    await done;

    expect(beforeEnd).toBe("first");
    expect(body()).toBe("firstsecond");
  });

  it("pauses the body while the stream is full", async () => {
    const { stream, release } = sink({ highWaterMark: 1, hold: true });
    const source = new PassThrough({ highWaterMark: 1 });

    const done = streamResponse(nodeResponse(source), stream);
    source.write("a");
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(source.isPaused()).toBe(true);
    source.end();
    const releasing = setInterval(release, 1);
    await done;
    clearInterval(releasing);
  });

  it("breaks the stream when the body fails mid-way", async () => {
    const { stream } = sink();
    const source = new PassThrough();
    const failure = new Error("provider cut");
    stream.on("error", () => {});

    const done = streamResponse(nodeResponse(source), stream);
    source.write("partial");
    source.destroy(failure);
    await done;

    expect(stream.destroyed).toBe(true);
    expect(stream.errored).toBe(failure);
  });

  it("destroys the body when the client leaves", async () => {
    const { stream } = sink();
    const source = new PassThrough();

    const done = streamResponse(nodeResponse(source), stream);
    source.write("partial");
    stream.destroy();
    await done;

    expect(source.destroyed).toBe(true);
  });
});

describe("streamResponse with an empty body", () => {
  const preludeOf = (written: Buffer[]) => {
    const all = Buffer.concat(written).toString();
    return all.includes("\0") ? JSON.parse(all.split("\0")[0] ?? "") : undefined;
  };

  it.each([
    ["no body (204)", () => new Response(null, { status: 204, headers: { "x-upstream": "yes" } })],
    [
      "an empty web body",
      () => new Response(new Uint8Array(0), { status: 404, headers: { "x-upstream": "yes" } }),
    ],
    [
      "an empty Node body",
      () =>
        new NodeBodyResponse(Readable.from([]), {
          status: 304,
          headers: new Headers({ "x-upstream": "yes" }),
        }),
    ],
  ])(
    "sends the status and headers of a response with %s (the runtime sends them at the first write)",
    async (_, response) => {
      const { stream, written } = sink();

      await streamResponse(response(), stream);

      expect(preludeOf(written)).toMatchObject({
        statusCode: response().status,
        headers: { "x-upstream": "yes" },
      });
      expect(stream.writableEnded).toBe(true);
    },
  );
});

describe("streamResponse with a web body", () => {
  it("leaves no listener behind on the response stream after waiting for drain many times", async () => {
    // Each write is held until released, so every one of them fills the stream and waits for drain.
    const { stream, body, release } = sink({ highWaterMark: 1, hold: true });
    const releasing = setInterval(release, 1);
    const before = { close: stream.listenerCount("close"), error: stream.listenerCount("error") };
    const chunks = Array.from({ length: 30 }, (_, index) => `chunk ${index};`);
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });

    await streamResponse(new Response(source), stream).finally(() => clearInterval(releasing));

    expect(body()).toBe(chunks.join(""));
    expect({ close: stream.listenerCount("close"), error: stream.listenerCount("error") }).toEqual(before);
  });
});
