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
 *
 * The listeners are anonymous and stay attached (what comes after the answer is ignored): under tsx,
 * every named closure costs a `__name` call per request.
 */
export function readBody(req: IncomingMessage, limit = API_GATEWAY_MAX_BODY_BYTES): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    let first: Buffer | null = null;
    let chunks: Buffer[] | null = null;
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      if (size > limit) return;
      size += chunk.byteLength;
      if (size > limit) resolve(null);
      else if (first === null) first = chunk;
      else if (chunks === null) chunks = [first, chunk];
      else chunks.push(chunk);
    });
    req.on("end", () => {
      if (size <= limit) resolve(chunks ? Buffer.concat(chunks, size) : (first ?? EMPTY_BODY));
      // The request outlives this read (a stream's whole answer): let the chunks go.
      first = null;
      chunks = null;
    });
    req.on("error", reject);
    // After 'end' this changes nothing: the promise is settled.
    req.on("close", () => reject(new Error("the client closed the request before its body ended")));
  });
}
