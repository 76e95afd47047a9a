import type { ServerResponse } from "node:http";
import { Writable } from "node:stream";

/** What ends the HTTP prelude on a Lambda response stream: eight NUL bytes after its JSON. */
export const PRELUDE_DELIMITER = Buffer.alloc(8);

/** The prelude read so far before anything is written; shared, since it is never written into. */
const NOTHING_YET = Buffer.alloc(0);

export interface Prelude {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

/**
 * The Lambda response stream as the local front sees it: bytes up to the prelude delimiter are the HTTP
 * prelude (status, headers, cookies), everything after is body, written to the client as soon as the
 * handler writes it. Backpressure from the client socket holds the handler back; a client that leaves
 * destroys this stream, which the handler sees as the response stream closing (as on Lambda).
 *
 * What the handler writes within one turn of the event loop leaves in one socket write: the socket is
 * corked at the first write of a turn and uncorked by setImmediate, at the end of that turn. A plain
 * response (prelude, body, end) then costs one write instead of three; on loopback each write is a
 * system call that also runs the receiver's TCP work, and the benchmark's profiles showed the writes as
 * the largest single cost of the front (docs/benchmarks.md). This stream is corked for the turn too, so
 * the body chunks written after the turn's first reach the response as one chunk (`_writev`): a stream
 * whose events arrive together (fifty in one socket read) costs two chunked writes instead of fifty.
 * Nothing waits past the current turn, so a stream's chunks still reach the client as the provider
 * sends them.
 *
 * The local `awslambda.HttpResponseStream.from` (lambda-globals.ts) hands the prelude to `holdPrelude` as an
 * object instead of writing its bytes: the same head, without a JSON round trip per request. Bytes written
 * by anyone else are still parsed as above.
 *
 * As on Lambda, a held prelude is sent at the first `write()` only: the runtime's HttpResponseStream writes
 * it from a hook on `write` (aws-lambda-nodejs-runtime-interface-client, src/stream/http-response-stream.ts),
 * so a stream ended without a write, or ended with its only chunk (`end(chunk)` does not go through that
 * hook), loses its status and headers there. Here it then answers a plain 200, so a handler that forgets the
 * zero-length write of functions/lib/stream-response.ts fails its tests instead of only on AWS
 * (the runtime's issue #97).
 */
export class LocalResponseStream extends Writable {
  private preludeBuffer: Buffer | null = NOTHING_YET;
  /** The headers of the response head once written, for the access log (cf-aig-cache-status). */
  sentHeaders: Readonly<Record<string, string | string[]>> | null = null;
  private corked = false;
  /** The prelude given to HttpResponseStream.from, waiting for the first write (copied when it was given). */
  private heldHead: Head | null = null;

  constructor(private readonly res: ServerResponse) {
    super({ highWaterMark: 16 * 1024 });
    res.once("close", () => {
      if (!res.writableFinished) this.destroy();
    });
  }

  /**
   * What `HttpResponseStream.from` does with the prelude here: kept (a copy, as the runtime's JSON is taken
   * when it is given) until the first `write()`.
   */
  holdPrelude(prelude: Prelude): void {
    this.heldHead = headOf(prelude);
  }

  // The runtime's hook is on `write` itself (not `_write`, and not the write `end(chunk)` makes).
  override write(
    chunk: unknown,
    encoding?: BufferEncoding | ((error: Error | null | undefined) => void),
    callback?: (error: Error | null | undefined) => void,
  ): boolean {
    const held = this.heldHead;
    if (held) {
      this.heldHead = null;
      if (!this.takeHead(held)) super.write(headBytes(held));
    }
    return super.write(chunk, encoding as BufferEncoding, callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeBytes(chunk, callback);
  }

  /** The chunks written while this stream was corked for the turn, as one. */
  override _writev(
    chunks: { chunk: Buffer; encoding: BufferEncoding }[],
    callback: (error?: Error | null) => void,
  ): void {
    this.writeBytes(Buffer.concat(chunks.map(({ chunk }) => chunk)), callback);
  }

  private writeBytes(chunk: Buffer, callback: (error?: Error | null) => void): void {
    let body = chunk;
    if (this.preludeBuffer) {
      const buffered = Buffer.concat([this.preludeBuffer, chunk]);
      const end = buffered.indexOf(PRELUDE_DELIMITER);
      if (end < 0) {
        this.preludeBuffer = buffered;
        callback();
        return;
      }
      this.preludeBuffer = null;
      this.writeHead(JSON.parse(buffered.subarray(0, end).toString("utf8")) as Prelude);
      body = buffered.subarray(end + PRELUDE_DELIMITER.length);
    }
    this.corkSocketForThisTurn();
    if (body.byteLength === 0 || this.res.write(body)) {
      callback();
    } else {
      this.res.once("drain", () => callback());
    }
  }

  /**
   * Writes the head from a prelude object, as a prelude parsed from bytes would be written. Returns false,
   * taking nothing, when the bytes path must be kept for ordering: something was already written, the
   * stream is corked by its writer, ended or destroyed (the caller then writes the bytes, which queue or
   * fail as any write would).
   */
  private takeHead(head: Head): boolean {
    if (
      this.preludeBuffer?.byteLength !== 0 ||
      this.writableLength > 0 ||
      this.writableCorked > 0 ||
      this.writableEnded ||
      this.destroyed
    ) {
      return false;
    }
    this.preludeBuffer = null;
    this.sendHead(head);
    return true;
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.preludeBuffer) {
      // No prelude was written (a held one included: no write came to send it, as on Lambda): what the
      // handler wrote is the body of a plain 200.
      const body = this.preludeBuffer;
      this.preludeBuffer = null;
      this.heldHead = null;
      this.sendHead(headOf({ statusCode: 200 }));
      this.res.write(body);
    }
    this.res.end(() => callback());
    this.uncorkSocket();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // The handler broke the stream mid-body (a provider cut): cut the client connection too.
    if (error && !this.res.writableFinished) this.res.destroy(error);
    callback(null);
  }

  private writeHead(prelude: Prelude): void {
    this.sendHead(headOf(prelude));
  }

  private sendHead(head: Head): void {
    this.sentHeaders = head.headers;
    this.corkSocketForThisTurn();
    this.res.writeHead(head.statusCode, head.headers);
    // Send the head with this turn's writes: a streaming client should see the status before the first
    // chunk is ready, and a plain response's body, written in the same turn, goes in the same packet.
    this.res.flushHeaders();
  }

  private corkSocketForThisTurn(): void {
    if (this.corked) return;
    this.corked = true;
    this.res.cork();
    // Later writes of this turn wait in this stream's buffer (counted against its highWaterMark, so
    // backpressure holds) and come to `_writev` together when it is uncorked.
    this.cork();
    setImmediate(() => this.uncorkSocket());
  }

  private uncorkSocket(): void {
    if (!this.corked) return;
    // First this stream (its buffered chunks go to the response), then the socket: one system call. Still
    // marked corked while its chunks go: writing them must not cork the socket again for another turn.
    if (this.writableCorked > 0) this.uncork();
    this.corked = false;
    this.res.uncork();
  }
}

/** A prelude as the response head it becomes: Set-Cookie among the headers. */
interface Head {
  statusCode: number;
  headers: Record<string, string | string[]>;
}

function headOf(prelude: Prelude): Head {
  // A copy (the writer may reuse its objects) that drops undefined values, as the JSON of the bytes path does.
  const headers: Record<string, string | string[]> = {};
  const source = prelude.headers;
  if (source) {
    for (const name in source) {
      const value = source[name];
      if (value !== undefined && Object.hasOwn(source, name)) headers[name] = value;
    }
  }
  if (prelude.cookies?.length) headers["set-cookie"] = [...prelude.cookies];
  return { statusCode: prelude.statusCode ?? 200, headers };
}

/** The bytes of a held head, for a stream that must keep the bytes path (its writer corked it). */
function headBytes({ statusCode, headers }: Head): Buffer {
  const { "set-cookie": cookies, ...rest } = headers;
  const prelude: Prelude = { statusCode, headers: rest as Record<string, string> };
  if (Array.isArray(cookies)) prelude.cookies = cookies;
  return encodePrelude(prelude);
}

/** A prelude's bytes on a Lambda response stream: its JSON, then the delimiter. */
export function encodePrelude(prelude: Prelude): Buffer {
  return Buffer.concat([Buffer.from(JSON.stringify(prelude)), PRELUDE_DELIMITER]);
}
