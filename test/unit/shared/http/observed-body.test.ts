import { describe, expect, it } from "vitest";
import { concatChunks, observeBody } from "../../../../shared/http/observed-body.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (chunks: Uint8Array[]) => Buffer.from(concatChunks(chunks)).toString("utf8");

/** A source that serves `chunks` one per pull (no queue of its own) and counts pulls and cancels. */
function countingSource(chunks: Uint8Array[], failAfter?: Error) {
  const state = { pulls: 0, cancelReason: undefined as unknown, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = chunks[state.pulls];
        state.pulls += 1;
        if (chunk) controller.enqueue(chunk);
        else if (failAfter) controller.error(failAfter);
        else controller.close();
      },
      cancel(reason) {
        state.cancelled = true;
        state.cancelReason = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

/** A monotonic clock that advances by 10 on every reading. */
function steppingClock() {
  let now = 0;
  return () => {
    now += 10;
    return now;
  };
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  const reader = body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
  return chunks;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("observeBody", () => {
  it("passes chunks through unchanged and in order", async () => {
    const sent = [bytes("data: one\n\n"), bytes("data: two\n\n"), bytes("data: [DONE]\n\n")];
    const { stream } = countingSource(sent);

    const { body } = observeBody(stream, { captureLimit: 1024, monotonic: steppingClock() });
    const received = await readAll(body);

    expect(received).toEqual(sent);
    expect(received[0]).toBe(sent[0]);
  });

  it("records the time of the first chunk, the end and the bytes passed on", async () => {
    const { stream } = countingSource([bytes("abc"), bytes("defg")]);

    const { body, done } = observeBody(stream, { captureLimit: 1024, monotonic: steppingClock() });
    await readAll(body);
    const observation = await done;

    // The clock is read before and after each of the three reads (two chunks, then the end).
    expect(observation.firstChunkAt).toBe(20);
    expect(observation.endedAt).toBe(60);
    expect(observation.providerWait).toBe(30);
    expect(observation.bytes).toBe(7);
    expect(observation.clientAborted).toBe(false);
    expect(observation.upstreamError).toBeUndefined();
  });

  it("records no first chunk for an empty body", async () => {
    const { stream } = countingSource([]);

    const { body, done } = observeBody(stream, { captureLimit: 1024, monotonic: steppingClock() });
    await readAll(body);
    const observation = await done;

    expect(observation.firstChunkAt).toBeNull();
    expect(observation.bytes).toBe(0);
    expect(observation.capturedAll).toBe(true);
  });

  it("captures the whole body when it fits the capture limit exactly", async () => {
    const { stream } = countingSource([bytes("12345"), bytes("67890")]);

    const { body, done } = observeBody(stream, { captureLimit: 10, monotonic: steppingClock() });
    await readAll(body);
    const observation = await done;

    expect(observation.capturedAll).toBe(true);
    expect(text(observation.captured)).toBe("1234567890");
  });

  it("captures at most captureLimit bytes, keeping the exact head, past the limit", async () => {
    const { stream } = countingSource([bytes("12345"), bytes("67890"), bytes("abcde")]);

    const { body, done } = observeBody(stream, { captureLimit: 7, monotonic: steppingClock() });
    const received = await readAll(body);
    const observation = await done;

    expect(text(received)).toBe("1234567890abcde");
    expect(observation.capturedAll).toBe(false);
    expect(text(observation.captured)).toBe("1234567");
    expect(observation.bytes).toBe(15);
  });

  it("shows every chunk to onChunk", async () => {
    const seen: string[] = [];
    const { stream } = countingSource([bytes("a"), bytes("b")]);

    const { body } = observeBody(stream, {
      captureLimit: 1,
      monotonic: steppingClock(),
      onChunk: (chunk) => seen.push(Buffer.from(chunk).toString()),
    });
    await readAll(body);

    expect(seen).toEqual(["a", "b"]);
  });

  it("marks a consumer's cancel as a client abort, tells onClientAbort and cancels the source", async () => {
    const aborts: unknown[] = [];
    const { stream, state } = countingSource([bytes("a"), bytes("b"), bytes("c")]);
    const { body, done } = observeBody(stream, {
      captureLimit: 1024,
      monotonic: steppingClock(),
      onClientAbort: (reason) => aborts.push(reason),
    });
    const reader = body.getReader();
    await reader.read();

    await reader.cancel("client left");
    const observation = await done;

    expect(observation.clientAborted).toBe(true);
    expect(aborts).toEqual(["client left"]);
    expect(state.cancelled).toBe(true);
    expect(state.cancelReason).toBe("client left");
    expect(observation.bytes).toBe(1);
  });

  it("records an upstream failure mid-way and errors the body passed on", async () => {
    const cut = new Error("socket hang up");
    const { stream } = countingSource([bytes("partial")], cut);
    const { body, done } = observeBody(stream, { captureLimit: 1024, monotonic: steppingClock() });
    const reader = body.getReader();

    const first = await reader.read();
    const second = reader.read();

    expect(Buffer.from(first.value ?? []).toString()).toBe("partial");
    await expect(second).rejects.toBe(cut);
    const observation = await done;
    expect(observation.upstreamError).toBe(cut);
    expect(observation.clientAborted).toBe(false);
    expect(text(observation.captured)).toBe("partial");
  });

  it("does not pull from the source before the consumer asks", async () => {
    const { stream, state } = countingSource([bytes("a"), bytes("b")]);

    observeBody(stream, { captureLimit: 1024, monotonic: steppingClock() });
    await settle();

    expect(state.pulls).toBe(0);
  });

  it("pulls one chunk from the source per chunk the consumer reads, without reading ahead", async () => {
    const { stream, state } = countingSource([bytes("a"), bytes("b"), bytes("c"), bytes("d")]);
    const { body } = observeBody(stream, { captureLimit: 1024, monotonic: steppingClock() });
    const reader = body.getReader();

    await reader.read();
    await settle();
    const afterOne = state.pulls;
    await reader.read();
    await settle();
    const afterTwo = state.pulls;

    expect(afterOne).toBe(1);
    expect(afterTwo).toBe(2);
  });
});

describe("concatChunks", () => {
  it("joins chunks in order", () => {
    expect(text([bytes("ab"), bytes("cd")])).toBe("abcd");
  });

  it("returns a single chunk as is", () => {
    const only = bytes("x");

    expect(concatChunks([only])).toBe(only);
  });

  it("returns an empty array for no chunks", () => {
    expect(concatChunks([]).byteLength).toBe(0);
  });
});

describe("observeBody with beforeEnd (a cache write before the last byte)", () => {
  it("passes every chunk on at once, settles done, and ends the body only once beforeEnd has settled", async () => {
    const { stream } = countingSource([bytes("one"), bytes("two")]);
    let release = () => {};
    const write = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: boolean[] = [];
    const { body, done } = observeBody(stream, {
      captureLimit: 0,
      monotonic: steppingClock(),
      beforeEnd: (observation) => {
        seen.push(observation.clientAborted || observation.upstreamError !== undefined);
        return write;
      },
    });
    const reader = body.getReader();
    expect(text([(await reader.read()).value as Uint8Array])).toBe("one");
    expect(text([(await reader.read()).value as Uint8Array])).toBe("two");
    let ended = false;
    const end = reader.read().then((result) => {
      ended = result.done;
    });
    await done;
    await settle();
    expect([seen, ended]).toEqual([[false], false]);
    release();
    await end;
    expect(ended).toBe(true);
  });

  it("is not called for a body the provider cut", async () => {
    const { stream } = countingSource([bytes("one")], new Error("socket cut"));
    let called = false;
    const { body } = observeBody(stream, {
      captureLimit: 0,
      monotonic: steppingClock(),
      failureTail: () => null,
      beforeEnd: async () => {
        called = true;
      },
    });
    await readAll(body);
    expect(called).toBe(false);
  });
});
