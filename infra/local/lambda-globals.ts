import { Writable } from "node:stream";
import {
  encodePrelude,
  LocalResponseStream,
  PRELUDE_DELIMITER,
  type Prelude,
} from "./local-response-stream.ts";

export { PRELUDE_DELIMITER };

/**
 * The response-streaming globals of the Lambda Node.js runtime, for handlers run by the local runtime.
 * As on Lambda, `HttpResponseStream.from` writes the HTTP prelude as JSON followed by eight NUL bytes on
 * the response stream, then the handler writes the body; the local front (local-response-stream.ts)
 * reads the prelude back the way API Gateway does. On the local front's own stream the prelude is handed
 * over as an object instead: the client sees the same head, and no request pays for a JSON round trip.
 *
 * Also as on Lambda, the prelude goes out just before the first `write()`, not when `from` is called: a
 * stream ended without a write (or with `end(chunk)`) sends no prelude at all, and its status and headers
 * are lost (local-response-stream.ts says why; functions/lib/stream-response.ts writes a zero-length chunk).
 */
const STREAMING = Symbol.for("aws.lambda.runtime.handler.streaming");

type StreamingHandler = ((...args: unknown[]) => Promise<void>) & { [STREAMING]?: string };

export function isStreamingHandler(handler: unknown): boolean {
  return typeof handler === "function" && (handler as StreamingHandler)[STREAMING] === "response";
}

export function installLambdaGlobals(): void {
  // Other libraries (the SDK's invoke store) may have created the object already: add to it.
  const target = globalThis as { awslambda?: Record<string, unknown> };
  target.awslambda ??= {};
  target.awslambda.streamifyResponse ??= (handler: StreamingHandler): StreamingHandler => {
    handler[STREAMING] = "response";
    return handler;
  };
  target.awslambda.HttpResponseStream ??= {
    from(responseStream: Writable, prelude: Record<string, unknown>): Writable {
      if (!(responseStream instanceof Writable)) throw new TypeError("responseStream must be a Writable");
      if (responseStream instanceof LocalResponseStream) {
        responseStream.holdPrelude(prelude as Prelude);
      } else {
        writePreludeBeforeFirstWrite(responseStream, encodePrelude(prelude as Prelude));
      }
      return responseStream;
    },
  };
}

/**
 * The runtime's `_onBeforeFirstWrite` hook on any other Writable (tests' recording streams): the prelude's
 * bytes are written by the first `write()` call, before its chunk; `end(chunk)` does not call `write()`.
 */
function writePreludeBeforeFirstWrite(stream: Writable, prelude: Buffer): void {
  const hadOwnWrite = Object.hasOwn(stream, "write");
  const write = stream.write;
  stream.write = function writeWithPrelude(this: Writable, ...args: Parameters<Writable["write"]>) {
    if (hadOwnWrite) stream.write = write;
    else Reflect.deleteProperty(stream, "write");
    Reflect.apply(write, stream, [prelude]);
    return write.apply(stream, args);
  } as Writable["write"];
}
