import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  installLambdaGlobals,
  isStreamingHandler,
  PRELUDE_DELIMITER,
} from "../../../../infra/local/lambda-globals.ts";

/** A Writable that keeps every chunk written to it. */
function recordingStream(): { stream: Writable; chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { stream, chunks };
}

describe("installLambdaGlobals", () => {
  it("marks a handler passed to streamifyResponse as streaming", () => {
    installLambdaGlobals();
    const handler = async () => {};

    const wrapped = awslambda.streamifyResponse(handler);

    expect(isStreamingHandler(wrapped)).toBe(true);
  });

  it("does not take a plain handler or a non-function for a streaming one", () => {
    expect(isStreamingHandler(async () => {})).toBe(false);
    expect(isStreamingHandler({})).toBe(false);
  });

  it("writes the prelude as JSON followed by eight NUL bytes before the first chunk, and returns the same stream", () => {
    installLambdaGlobals();
    const { stream, chunks } = recordingStream();
    const prelude = { statusCode: 201, headers: { "content-type": "text/event-stream" } };

    const returned = awslambda.HttpResponseStream.from(stream, prelude);
    const beforeWrite = chunks.length;
    returned.write("data");
    returned.write("more");

    expect(returned).toBe(stream);
    expect(beforeWrite).toBe(0);
    expect(
      Buffer.concat(chunks).equals(
        Buffer.concat([Buffer.from(JSON.stringify(prelude)), PRELUDE_DELIMITER, Buffer.from("datamore")]),
      ),
    ).toBe(true);
    expect(PRELUDE_DELIMITER.equals(Buffer.alloc(8))).toBe(true);
  });

  it("writes no prelude when the stream ends without a write, or with end(chunk), as the Lambda runtime does", () => {
    installLambdaGlobals();
    const ended = recordingStream();
    const endedWithChunk = recordingStream();

    awslambda.HttpResponseStream.from(ended.stream, { statusCode: 204 }).end();
    awslambda.HttpResponseStream.from(endedWithChunk.stream, { statusCode: 404 }).end("not found");

    expect(ended.chunks).toEqual([]);
    expect(Buffer.concat(endedWithChunk.chunks).toString()).toBe("not found");
  });

  it("writes the prelude for a zero-length first write", () => {
    installLambdaGlobals();
    const { stream, chunks } = recordingStream();

    awslambda.HttpResponseStream.from(stream, { statusCode: 204 }).write(Buffer.alloc(0));
    stream.end();

    expect(Buffer.concat(chunks).toString()).toBe(`{"statusCode":204}${"\0".repeat(8)}`);
  });

  it("refuses a response stream that is not a Writable", () => {
    installLambdaGlobals();

    expect(() => awslambda.HttpResponseStream.from({} as Writable, { statusCode: 200 })).toThrow(TypeError);
  });

  it("keeps an awslambda object another library created and adds to it", () => {
    const target = globalThis as { awslambda?: Record<string, unknown> };
    const previous = target.awslambda;
    const existing: Record<string, unknown> = { fromOtherLibrary: "kept" };
    target.awslambda = existing;

    try {
      installLambdaGlobals();

      expect(target.awslambda).toBe(existing);
      expect(existing.fromOtherLibrary).toBe("kept");
      expect(typeof existing.streamifyResponse).toBe("function");
      expect(typeof existing.HttpResponseStream).toBe("object");
    } finally {
      target.awslambda = previous;
    }
  });
});
