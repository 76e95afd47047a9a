import { Writable } from "node:stream";
import { LocalResponseStream, PRELUDE_DELIMITER, type Prelude } from "./local-response-stream.ts";

export { PRELUDE_DELIMITER };

/**
 * The response-streaming globals of the Lambda Node.js runtime, for handlers run by the local runtime.
 * As on Lambda, `HttpResponseStream.from` writes the HTTP prelude as JSON followed by eight NUL bytes on
 * the response stream, then the handler writes the body; the local front (local-response-stream.ts)
 * reads the prelude back the way API Gateway does. On the local front's own stream the prelude is handed
 * over as an object instead: the client sees the same head, and no request pays for a JSON round trip.
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
      if (responseStream instanceof LocalResponseStream && responseStream.setPrelude(prelude as Prelude)) {
        return responseStream;
      }
      responseStream.write(Buffer.concat([Buffer.from(JSON.stringify(prelude)), PRELUDE_DELIMITER]));
      return responseStream;
    },
  };
}
