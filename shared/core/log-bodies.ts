import { promisify } from "node:util";
import { gzip, gzipSync } from "node:zlib";
import type { LoggedBody } from "../schemas/log-event.ts";

const gzipAsync = promisify(gzip);

/**
 * zlib's level for logged bodies, here and in the log-writer (shared/logs/logged-body.ts). On chat-sized
 * bodies level 2 takes about half the CPU of zlib's default for output a few percent larger. On the proxy
 * the gzip runs once per request with a large body, after the response, and showed in the profile of
 * stream requests (docs/benchmarks.md).
 */
export const LOG_BODY_GZIP_LEVEL = 2;
const GZIP_OPTIONS = { level: LOG_BODY_GZIP_LEVEL };

/**
 * Below this, a body is gzipped on the event loop: for a chat-sized body the thread-pool round trip of the
 * async gzip costs several times the CPU of the compression itself (docs/benchmarks.md), and the work runs
 * after the response has ended anyway. Above it, compression time would hold the
 * event loop long enough to delay other requests' chunks, so it goes to the thread pool.
 */
const SYNC_GZIP_MAX_BYTES = 64 * 1024;

/**
 * How much of the bodies a log keeps. A log travels as one SQS message (1 MiB on AWS) and is stored as
 * one DynamoDB item (400 KB), so the two bodies together must compress to at most LOG_BODY_BUDGET_BYTES.
 * When they do not, each body keeps its head (the first bytes, halved until the pair fits) and is marked
 * `complete: false`; the log keeps the full sizes. Nothing else of the log is ever dropped.
 */
export const LOG_BODY_BUDGET_BYTES = 300 * 1024;
/** The most of a body the proxy holds in memory for its log while streaming. */
export const LOG_BODY_CAPTURE_LIMIT = 4 * 1024 * 1024;

/**
 * Up to this size a body travels uncompressed (`base64`) and the log-writer gzips it before storing: the
 * proxy's profile showed the two gzips of a chat-sized exchange among the larger pieces of a request's own CPU
 * after the response, work the batched log-writer does off the request's path. Ten such events still fit one
 * SendMessageBatch; larger bodies are compressed here, where the SQS limits need it.
 */
export const RAW_LOG_BODY_MAX_BYTES = 4 * 1024;

async function pack(
  bytes: Uint8Array,
  limit: number,
  complete: boolean,
): Promise<{ body: LoggedBody; size: number }> {
  const head = bytes.byteLength > limit ? bytes.subarray(0, limit) : bytes;
  const whole = complete && head.byteLength === bytes.byteLength;
  if (head.byteLength <= RAW_LOG_BODY_MAX_BYTES) {
    const raw = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
    return { body: { base64: raw.toString("base64"), complete: whole }, size: head.byteLength };
  }
  const compressed =
    head.byteLength < SYNC_GZIP_MAX_BYTES
      ? gzipSync(head, GZIP_OPTIONS)
      : await gzipAsync(head, GZIP_OPTIONS);
  return {
    body: { gzip_base64: compressed.toString("base64"), complete: whole },
    size: compressed.byteLength,
  };
}

export async function packLogBodies(
  request: Uint8Array | null,
  response: Uint8Array | null,
  responseComplete: boolean,
  budget = LOG_BODY_BUDGET_BYTES,
): Promise<{ request: LoggedBody | null; response: LoggedBody | null }> {
  let limit = Math.max(request?.byteLength ?? 0, response?.byteLength ?? 0);
  for (;;) {
    const packedRequest = request ? await pack(request, limit, true) : null;
    const packedResponse = response ? await pack(response, limit, responseComplete) : null;
    const total = (packedRequest?.size ?? 0) + (packedResponse?.size ?? 0);
    if (total <= budget || limit === 0) {
      return { request: packedRequest?.body ?? null, response: packedResponse?.body ?? null };
    }
    // Base64 grows by 4/3 and the message has other fields: aim below the budget, never loop forever.
    limit = Math.floor(limit / 2);
  }
}
