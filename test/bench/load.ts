import { Agent, request } from "node:http";

/** One HTTP request the load generator sends over and over. */
export interface RequestSpec {
  /** http://127.0.0.1:port */
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The response body must have exactly this many bytes (null: any size), else the request counts as failed. */
  expectBytes: number | null;
}

/** Times of one request in microseconds from the moment it was sent. */
export interface Sample {
  /** Status line and headers received. */
  headersUs: number;
  /** First body byte received (for a stream: the first event). */
  firstByteUs: number;
  /** Last body byte received. */
  lastByteUs: number;
  bytes: number;
}

export interface LoadResult {
  samples: Sample[];
  errors: number;
  firstError: string | null;
  elapsedMs: number;
}

export interface LoadOptions {
  concurrency: number;
  /** Requests to send in all (bounded count). */
  requests: number;
  /** Stop issuing new requests after this long (bounded time); requests in flight are awaited. */
  maxMs: number;
  /** Per-request timeout, after which the request is abandoned and counted as an error. */
  requestTimeoutMs?: number;
}

/**
 * A keep-alive agent per target and concurrency: sockets are reused across requests, so a sample is one
 * request on an open connection, as a client with a connection pool sees it.
 */
export function keepAliveAgent(concurrency: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency, noDelay: true });
}

const toUs = (from: bigint, to: bigint): number => Number(to - from) / 1_000;

/** Sends one request and times it with process.hrtime.bigint(). */
export function timedRequest(agent: Agent, spec: RequestSpec, timeoutMs = 30_000): Promise<Sample> {
  const url = new URL(spec.origin);
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let headersAt = 0n;
    let firstByteAt = 0n;
    let bytes = 0;
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: "POST",
        path: spec.path,
        headers: { ...spec.headers, "content-length": String(spec.body.byteLength) },
      },
      (res) => {
        headersAt = process.hrtime.bigint();
        res.on("data", (chunk: Buffer) => {
          if (firstByteAt === 0n) firstByteAt = process.hrtime.bigint();
          bytes += chunk.byteLength;
        });
        res.once("error", reject);
        res.once("end", () => {
          const end = process.hrtime.bigint();
          if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
          else if (spec.expectBytes !== null && bytes !== spec.expectBytes)
            reject(new Error(`body of ${bytes} bytes, expected ${spec.expectBytes}`));
          else
            resolve({
              headersUs: toUs(start, headersAt),
              firstByteUs: toUs(start, firstByteAt || end),
              lastByteUs: toUs(start, end),
              bytes,
            });
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once("error", reject);
    req.end(spec.body);
  });
}

/**
 * A closed loop: `concurrency` workers each send a request, wait for its last byte, and send the next,
 * until `requests` have been sent or `maxMs` has passed. Every loop is bounded in count and in time.
 */
export async function runLoad(agent: Agent, spec: RequestSpec, options: LoadOptions): Promise<LoadResult> {
  const samples: Sample[] = [];
  let issued = 0;
  let errors = 0;
  let firstError: string | null = null;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(options.maxMs) * 1_000_000n;
  const worker = async (): Promise<void> => {
    while (issued < options.requests && process.hrtime.bigint() < deadline) {
      issued++;
      try {
        samples.push(await timedRequest(agent, spec, options.requestTimeoutMs));
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { samples, errors, firstError, elapsedMs: toUs(started, process.hrtime.bigint()) / 1_000 };
}
