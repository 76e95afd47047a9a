import { gzipSync } from "node:zlib";
import { LOG_BODY_GZIP_LEVEL } from "../core/log-bodies.ts";
import type { LoggedBody } from "../schemas/log-event.ts";

/**
 * A logged body as the logs table stores it, gzip-compressed, whichever way it travelled on the queue: the
 * proxy compresses large bodies itself and sends small ones as they are (shared/core/log-bodies.ts).
 */
export function compressedLogBody(body: LoggedBody): Buffer {
  return "gzip_base64" in body
    ? Buffer.from(body.gzip_base64, "base64")
    : gzipSync(Buffer.from(body.base64, "base64"), { level: LOG_BODY_GZIP_LEVEL });
}
