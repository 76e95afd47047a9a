import type { IncomingMessage } from "node:http";

/** API Gateway refuses request bodies over 10 MB before any Lambda runs. */
export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

const EMPTY_BODY = Buffer.alloc(0);

/**
 * The request body, or null when it passes API Gateway's limit (the rest of the body is then read and
 * dropped, so the 413 goes out on a connection the client can keep using). Plain 'data' listeners rather
 * than `for await`: an async iterator per request costs more than the rest of this function, and a body
 * that came with the headers is one chunk, used as it is. Rejects with the request's error when the
 * client goes away before the end of its body.
 */
export function readBody(req: IncomingMessage, limit = API_GATEWAY_MAX_BODY_BYTES): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    let first: Buffer | null = null;
    let chunks: Buffer[] | null = null;
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        stop();
        req.resume();
        resolve(null);
        return;
      }
      if (first === null) first = chunk;
      else if (chunks === null) chunks = [first, chunk];
      else chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(chunks ? Buffer.concat(chunks, size) : (first ?? EMPTY_BODY));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onClose = () => {
      stop();
      reject(new Error("the client closed the request before its body ended"));
    };
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}
