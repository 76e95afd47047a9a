import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { NodeBodyResponse, takeNodeBody } from "../../../../shared/http/node-body-response.ts";
import { concatChunks } from "../../../../shared/http/observed-body.ts";
import { observeNodeBody, observeResponseBody } from "../../../../shared/http/observed-node-body.ts";

const text = (chunks: Uint8Array[]) => Buffer.from(concatChunks(chunks)).toString("utf8");

/** A Node source that serves `chunks` one per read (no read-ahead of its own) and counts reads. */
function countingSource(chunks: string[], failAfter?: Error) {
  const state = { reads: 0, destroyed: false };
  const stream = new Readable({
    highWaterMark: 0,
    read() {
      const chunk = chunks[state.reads];
      state.reads += 1;
      if (chunk !== undefined) this.push(Buffer.from(chunk));
      else if (failAfter) this.destroy(failAfter);
      else this.push(null);
    },
    destroy(error, callback) {
      state.destroyed = true;
      callback(error);
    },
  });
  return { stream, state };
}

function steppingClock() {
  let now = 0;
  return () => {
    now += 10;
    return now;
  };
}

async function readAll(body: Readable): Promise<string[]> {
  const received: string[] = [];
  for await (const chunk of body) received.push(Buffer.from(chunk as Buffer).toString());
  return received;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("observeNodeBody", () => {
  it("passes chunks through unchanged and in order, and records bytes, first chunk and end", async () => {
    const { stream } = countingSource(["data: one\n\n", "data: two\n\n", "data: [DONE]\n\n"]);

    const { body, done } = observeNodeBody(stream, { captureLimit: 1024, monotonic: steppingClock() });
    const received = await readAll(body);
    const observation = await done;

    expect(received).toEqual(["data: one\n\n", "data: two\n\n", "data: [DONE]\n\n"]);
    expect(observation.bytes).toBe(36);
    expect(observation.firstChunkAt).not.toBeNull();
    expect(observation.endedAt).toBeGreaterThan(observation.firstChunkAt ?? Number.POSITIVE_INFINITY);
    expect(observation.providerWait).toBeGreaterThan(0);
    expect(observation.clientAborted).toBe(false);
    expect(observation.upstreamError).toBeUndefined();
    expect(text(observation.captured)).toBe("data: one\n\ndata: two\n\ndata: [DONE]\n\n");
  });

  it("records no first chunk for an empty body", async () => {
    const { stream } = countingSource([]);

    const { body, done } = observeNodeBody(stream, { captureLimit: 1024, monotonic: steppingClock() });
    await readAll(body);
    const observation = await done;

    expect(observation.firstChunkAt).toBeNull();
    expect(observation.bytes).toBe(0);
  });

  it("captures at most captureLimit bytes, keeping the exact head, and shows every chunk to onChunk", async () => {
    const seen: string[] = [];
    const { stream } = countingSource(["12345", "67890", "abcde"]);

    const { body, done } = observeNodeBody(stream, {
      captureLimit: 7,
      monotonic: steppingClock(),
      onChunk: (chunk) => seen.push(Buffer.from(chunk).toString()),
    });
    const received = await readAll(body);
    const observation = await done;

    expect(received.join("")).toBe("1234567890abcde");
    expect(seen).toEqual(["12345", "67890", "abcde"]);
    expect(observation.capturedAll).toBe(false);
    expect(text(observation.captured)).toBe("1234567");
  });

  it("marks a reader's destroy as a client abort, tells onClientAbort and destroys the source", async () => {
    const aborts: unknown[] = [];
    const { stream, state } = countingSource(["a", "b", "c"]);
    const { body, done } = observeNodeBody(stream, {
      captureLimit: 1024,
      monotonic: steppingClock(),
      onClientAbort: (reason) => aborts.push(reason),
    });
    body.on("error", () => {});
    const reason = new Error("client left");

    body.destroy(reason);
    const observation = await done;

    expect(observation.clientAborted).toBe(true);
    expect(aborts).toEqual([reason]);
    await settle();
    expect(state.destroyed).toBe(true);
  });

  it("records an upstream failure mid-way and errors the body passed on", async () => {
    const cut = new Error("socket hang up");
    const { stream } = countingSource(["partial"], cut);
    const { body, done } = observeNodeBody(stream, { captureLimit: 1024, monotonic: steppingClock() });

    const received: string[] = [];
    const failure = await new Promise<unknown>((resolve) => {
      body.on("data", (chunk: Buffer) => received.push(chunk.toString()));
      body.once("error", resolve);
    });
    const observation = await done;

    expect(received).toEqual(["partial"]);
    expect(failure).toBe(cut);
    expect(observation.upstreamError).toBe(cut);
    expect(observation.clientAborted).toBe(false);
  });

  it("ends the body cleanly with failureTail's chunk when the upstream fails mid-way", async () => {
    const cut = new Error("socket hang up");
    const { stream } = countingSource(["partial"], cut);
    const { body, done } = observeNodeBody(stream, {
      captureLimit: 1024,
      monotonic: steppingClock(),
      failureTail: () => new TextEncoder().encode("event: error\n\n"),
    });

    const received = await readAll(body);
    const observation = await done;

    expect(received).toEqual(["partial", "event: error\n\n"]);
    expect(observation.upstreamError).toBe(cut);
  });

  it("treats a source closed before its end, with no error, as a cut", async () => {
    const { stream } = countingSource(["a", "b"]);
    const { body, done } = observeNodeBody(stream, { captureLimit: 1024, monotonic: steppingClock() });
    body.on("error", () => {});

    stream.destroy();
    const observation = await done;

    expect(String(observation.upstreamError)).toContain("terminated");
  });

  it("reads nothing from the source before the reader asks, then one chunk per chunk read", async () => {
    const { stream, state } = countingSource(["a", "b", "c", "d"]);
    const { body } = observeNodeBody(stream, { captureLimit: 1024, monotonic: steppingClock() });
    await settle();
    const beforeReading = state.reads;

    // A reader that takes one chunk and then stops (paused): the source must not be drained behind it.
    await new Promise<void>((resolve) => {
      body.once("data", () => {
        body.pause();
        resolve();
      });
    });
    await settle();

    expect(beforeReading).toBe(0);
    expect(state.reads).toBeLessThanOrEqual(2);
  });
});

describe("observeResponseBody", () => {
  it("keeps a Node body a Node stream and gives a response that sends the observed bytes", async () => {
    const { stream } = countingSource(["hello ", "world"]);
    const upstream = new NodeBodyResponse(stream, { status: 200, headers: new Headers() });

    const { response, done } = observeResponseBody(
      upstream,
      { status: 201, headers: new Headers({ "x-kept": "yes" }) },
      { captureLimit: 1024, monotonic: steppingClock() },
    );
    const source = takeNodeBody(response);

    expect(response.status).toBe(201);
    expect(response.headers.get("x-kept")).toBe("yes");
    expect(source).not.toBeNull();
    expect((await readAll(source as Readable)).join("")).toBe("hello world");
    expect((await done).bytes).toBe(11);
  });

  it("observes a web body through a web stream", async () => {
    const upstream = new Response("plain web body");

    const { response, done } = observeResponseBody(
      upstream,
      { status: 200, headers: new Headers() },
      { captureLimit: 1024, monotonic: steppingClock() },
    );

    expect(takeNodeBody(response)).toBeNull();
    expect(await response.text()).toBe("plain web body");
    expect(text((await done).captured)).toBe("plain web body");
  });
});

describe("observeNodeBody with beforeEnd (a cache write before the last byte)", () => {
  it("passes every chunk on, settles done, and ends the body only once beforeEnd has settled", async () => {
    const { stream } = countingSource(["one", "two"]);
    let release = () => {};
    const write = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { body, done } = observeNodeBody(stream, {
      captureLimit: 0,
      monotonic: steppingClock(),
      beforeEnd: () => write,
    });
    const received: string[] = [];
    let ended = false;
    body.on("data", (chunk: Buffer) => received.push(chunk.toString()));
    body.on("end", () => {
      ended = true;
    });
    await done;
    await settle();
    expect([received, ended]).toEqual([["one", "two"], false]);
    release();
    await settle();
    expect(ended).toBe(true);
  });

  it("takes no end once its reader has left while it waited", async () => {
    const { stream } = countingSource(["one"]);
    let release = () => {};
    const write = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { body, done } = observeNodeBody(stream, {
      captureLimit: 0,
      monotonic: steppingClock(),
      beforeEnd: () => write,
    });
    body.on("data", () => {});
    const observation = await done;
    body.destroy();
    release();
    await settle();
    expect(observation.clientAborted).toBe(false);
    expect(body.destroyed).toBe(true);
  });
});
