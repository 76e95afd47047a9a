import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { transformNodeBody } from "../../../../shared/http/transformed-node-body.ts";

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

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Upper-cases each chunk (a stand-in for a redaction): one chunk out per chunk in. */
const upperCase: Transformer<Uint8Array, Uint8Array> = {
  transform: (chunk, controller) => controller.enqueue(encoder.encode(decoder.decode(chunk).toUpperCase())),
};

async function readAll(body: Readable): Promise<string[]> {
  const received: string[] = [];
  for await (const chunk of body) received.push(Buffer.from(chunk as Uint8Array).toString());
  return received;
}

/** How the body ended: the chunks read, and the error it was destroyed with, if any. */
async function outcome(body: Readable): Promise<{ received: string[]; error: unknown }> {
  const received: string[] = [];
  try {
    for await (const chunk of body) received.push(Buffer.from(chunk as Uint8Array).toString());
    return { received, error: undefined };
  } catch (error) {
    return { received, error };
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("transformNodeBody", () => {
  it("runs each chunk through the transformer, in order, with no web stream in between", async () => {
    const { stream } = countingSource(["one ", "two ", "three"]);
    const body = transformNodeBody(stream, upperCase);
    expect(body).toBeInstanceOf(Readable);
    expect(await readAll(body)).toEqual(["ONE ", "TWO ", "THREE"]);
  });

  it("holds what the transformer holds back and sends what its flush releases before the end", async () => {
    const { stream } = countingSource(["a", "b", "c"]);
    let held = "";
    const body = transformNodeBody(stream, {
      transform: (chunk) => {
        held += decoder.decode(chunk);
      },
      flush: (controller) => controller.enqueue(encoder.encode(`[${held}]`)),
    });
    expect(await readAll(body)).toEqual(["[abc]"]);
  });

  it("waits for an async transform before the next chunk, keeping the order", async () => {
    const { stream } = countingSource(["1", "2", "3"]);
    const seen: string[] = [];
    const body = transformNodeBody(stream, {
      async transform(chunk, controller) {
        const text = decoder.decode(chunk);
        seen.push(`start ${text}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push(`end ${text}`);
        controller.enqueue(chunk);
      },
      async flush(controller) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        controller.enqueue(encoder.encode("!"));
      },
    });
    expect(await readAll(body)).toEqual(["1", "2", "3", "!"]);
    expect(seen).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]);
  });

  it("ends the body at terminate, with what was enqueued before it, and destroys the source", async () => {
    const { stream, state } = countingSource(["ok", "stop", "never"]);
    const body = transformNodeBody(stream, {
      transform: (chunk, controller) => {
        if (decoder.decode(chunk) === "stop") {
          controller.enqueue(encoder.encode("error event"));
          controller.terminate();
          return;
        }
        controller.enqueue(chunk);
      },
    });
    expect(await outcome(body)).toEqual({ received: ["ok", "error event"], error: undefined });
    expect(state.destroyed).toBe(true);
  });

  it("fails the body with the transformer's error, and destroys the source", async () => {
    const { stream, state } = countingSource(["ok", "bad", "never"]);
    const refusal = new Error("refused");
    const body = transformNodeBody(stream, {
      async transform(chunk, controller) {
        if (decoder.decode(chunk) === "bad") controller.error(refusal);
        else controller.enqueue(chunk);
      },
    });
    expect(await outcome(body)).toEqual({ received: ["ok"], error: refusal });
    expect(state.destroyed).toBe(true);
  });

  it("fails the body when the transformer throws", async () => {
    const { stream } = countingSource(["boom"]);
    const thrown = new Error("thrown");
    const body = transformNodeBody(stream, {
      transform: () => {
        throw thrown;
      },
    });
    expect((await outcome(body)).error).toBe(thrown);
  });

  it("fails the body when the source fails mid-way, without flushing what is held", async () => {
    const cut = new Error("socket hang up");
    const { stream } = countingSource(["a"], cut);
    let flushed = false;
    const body = transformNodeBody(stream, {
      transform: () => {},
      flush: () => {
        flushed = true;
      },
    });
    expect(await outcome(body)).toEqual({ received: [], error: cut });
    expect(flushed).toBe(false);
  });

  it("treats a source closed before its end, with no error, as a cut", async () => {
    const { stream } = countingSource(["a", "b"]);
    const body = transformNodeBody(stream, upperCase);
    const ended = outcome(body);
    stream.destroy();
    expect(String((await ended).error)).toContain("terminated");
  });

  it("destroys the source when its reader destroys the body (the client left)", async () => {
    const { stream, state } = countingSource(["a", "b", "c"]);
    const body = transformNodeBody(stream, upperCase);
    await new Promise<void>((resolve) => body.once("data", () => resolve()));
    body.destroy();
    await settle();
    expect(state.destroyed).toBe(true);
  });

  it("reads nothing from the source before the reader asks, and stops when the reader pauses", async () => {
    const { stream, state } = countingSource(["a", "b", "c", "d", "e"]);
    const body = transformNodeBody(stream, upperCase);
    await settle();
    const beforeReading = state.reads;

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

  it("keeps reading while the transformer holds chunks back, since the reader still waits for one", async () => {
    const { stream } = countingSource(["a", "b", "c", "d"]);
    let count = 0;
    const body = transformNodeBody(stream, {
      transform: (chunk, controller) => {
        count += 1;
        if (count === 3) controller.enqueue(chunk);
      },
    });
    expect(await readAll(body)).toEqual(["c"]);
  });

  it("lets its first output leave before it transforms the rest of what arrived in the same turn", async () => {
    // A provider's events that came in one socket read: all five are in the source before the first is read.
    const source = new Readable({
      read() {
        for (const piece of ["1", "2", "3", "4", "5"]) this.push(Buffer.from(piece));
        this.push(null);
      },
    });
    const order: string[] = [];
    const body = transformNodeBody(source, {
      transform: (chunk, controller) => {
        order.push(`in ${decoder.decode(chunk)}`);
        controller.enqueue(chunk);
      },
    });
    body.on("data", (chunk: Buffer) => {
      order.push(`out ${chunk.toString()}`);
      // What a response stream corked for the turn would write now (infra/local/local-response-stream.ts).
      if (chunk.toString() === "1") setImmediate(() => order.push("turn ended"));
    });
    await new Promise((resolve) => body.once("end", resolve));
    expect(order.slice(0, 3)).toEqual(["in 1", "out 1", "turn ended"]);
    expect(order.filter((entry) => entry.startsWith("out"))).toEqual([
      "out 1",
      "out 2",
      "out 3",
      "out 4",
      "out 5",
    ]);
  });

  it("calls the transformer's methods on the transformer, as a TransformStream does", async () => {
    class Counting implements Transformer<Uint8Array, Uint8Array> {
      count = 0;
      transform(chunk: Uint8Array, controller: TransformStreamDefaultController<Uint8Array>) {
        this.count += 1;
        controller.enqueue(chunk);
      }
      flush(controller: TransformStreamDefaultController<Uint8Array>) {
        controller.enqueue(encoder.encode(` (${this.count})`));
      }
    }
    const { stream } = countingSource(["a", "b"]);
    expect((await readAll(transformNodeBody(stream, new Counting()))).join("")).toBe("ab (2)");
  });
});
