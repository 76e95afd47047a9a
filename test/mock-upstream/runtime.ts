/**
 * Shared machinery of the mock upstream: request context, control headers, fixtures, timers and writers.
 * Provider modules build responses from fixtures; this module puts them on the wire.
 */
import { readFileSync } from "node:fs";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { MOCK_DEFAULT_CHUNKS } from "./constants.ts";

/** Behaviour a test asks for through `x-mock-*` request headers. */
export interface MockControls {
  /** `x-mock-status`: answer with this status (>= 400) and the provider's error body. */
  status: number | undefined;
  /** `x-mock-hang: true`: accept the request and never answer. */
  hang: boolean;
  /** `x-mock-delay-ms`: wait before the first byte. */
  delayMs: number;
  /** `x-mock-chunk-delay-ms`: wait between consecutive stream writes. */
  chunkDelayMs: number;
  /** `x-mock-chunks`: number of content deltas (default 5). */
  chunks: number;
  /** `x-mock-chunk-bytes`: pad each content delta's text to this many bytes. */
  chunkBytes: number;
  /** `x-mock-cut-after`: destroy the socket after this many content deltas. */
  cutAfter: number | undefined;
  /**
   * `x-mock-stall-after`: send nothing more after this many content deltas (0: nothing after the headers,
   * not even the stream's opening events), keeping the connection open until the client leaves.
   */
  stallAfter: number | undefined;
  /**
   * `x-mock-fixture`: answer with a named recorded-shape fixture instead of the default text answer
   * (`tool-call`: two parallel tool calls, plain or streamed as the request asks; `mid-stream-error`: a
   * stream that fails after its first text, the provider's way - streamed requests only).
   */
  fixture: string | undefined;
  /** `x-mock-reply`: the answer's text instead of the default, cut into `chunks` deltas. */
  reply: string | undefined;
}

export interface MockContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The parsed JSON request body ({} when empty). */
  body: Record<string, unknown>;
  /** The request body exactly as received (what a signature covers). */
  rawBody: string;
  controls: MockControls;
  /** Aborted when the client goes away or the server closes. */
  signal: AbortSignal;
  requestId: string;
  /** A deterministic, server-unique id: `${prefix}000042`. */
  nextId(prefix: string): string;
}

export interface ErrorEntry {
  body: unknown;
  headers?: Record<string, string>;
}

export interface ProviderRoute {
  pattern: RegExp;
  handle(ctx: MockContext, match: RegExpExecArray): Promise<void>;
}

/** One provider's wire format: its routes, credential check and error bodies. */
export interface ProviderModule {
  slug: string;
  /** The request body is a form (`application/x-www-form-urlencoded`), not JSON: `ctx.body` stays {}. */
  formBody?: boolean;
  routes: ProviderRoute[];
  isAuthorized(ctx: MockContext): boolean;
  errorResponse(status: number, ctx: MockContext): ErrorEntry;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function intHeader(headers: IncomingHttpHeaders, name: string, min: number, max: number): number | undefined {
  const raw = headerValue(headers, name);
  if (raw === undefined) return undefined;
  const parsed = Number.parseInt(raw, 10);
  if (!Number.isFinite(parsed)) return undefined;
  return Math.min(Math.max(parsed, min), max);
}

export function parseControls(headers: IncomingHttpHeaders): MockControls {
  const status = intHeader(headers, "x-mock-status", 100, 599);
  return {
    status: status !== undefined && status >= 400 ? status : undefined,
    hang: headerValue(headers, "x-mock-hang")?.trim().toLowerCase() === "true",
    delayMs: intHeader(headers, "x-mock-delay-ms", 0, 600_000) ?? 0,
    chunkDelayMs: intHeader(headers, "x-mock-chunk-delay-ms", 0, 600_000) ?? 0,
    chunks: intHeader(headers, "x-mock-chunks", 1, 1_000_000) ?? MOCK_DEFAULT_CHUNKS,
    chunkBytes: intHeader(headers, "x-mock-chunk-bytes", 0, 16 * 1024 * 1024) ?? 0,
    cutAfter: intHeader(headers, "x-mock-cut-after", 0, 1_000_000),
    stallAfter: intHeader(headers, "x-mock-stall-after", 0, 1_000_000),
    fixture: headerValue(headers, "x-mock-fixture")?.trim().toLowerCase() || undefined,
    reply: headerValue(headers, "x-mock-reply"),
  };
}

const fixturesRoot = new URL("../fixtures/providers/", import.meta.url);

/** Reads `test/fixtures/providers/<provider>/<name>` (done once, at module load). */
export function loadFixture<T>(provider: string, name: string): T {
  return JSON.parse(readFileSync(new URL(`${provider}/${name}`, fixturesRoot), "utf8")) as T;
}

/** The fixtures `x-mock-fixture` may name; anything else is a test's mistake, answered with a 500. */
export const MOCK_FIXTURES = ["tool-call", "mid-stream-error", "structured-output", "dlp-secrets"] as const;

/**
 * Reads `<provider>/<fixture>.json` (plain) or `<provider>/<fixture>-stream.json` (streamed) for the
 * `x-mock-fixture` a request named; undefined when it named none.
 */
export function namedFixture<T>(provider: string, ctx: MockContext, streamed: boolean): T | undefined {
  const name = ctx.controls.fixture;
  if (name === undefined) return undefined;
  if (!(MOCK_FIXTURES as readonly string[]).includes(name)) {
    throw new Error(`x-mock-fixture: no fixture named "${name}" (known: ${MOCK_FIXTURES.join(", ")})`);
  }
  const file = `${provider}/${name}${streamed ? "-stream" : ""}.json`;
  if (!namedFixtures.has(file))
    namedFixtures.set(file, loadFixture(provider, file.slice(provider.length + 1)));
  return structuredClone(namedFixtures.get(file)) as T;
}

const namedFixtures = new Map<string, unknown>();

/** The fixture entry for `status`, else the generic 4xx ("400") or 5xx ("500") one; a fresh copy. */
export function pickError(table: Record<string, ErrorEntry>, status: number): ErrorEntry {
  const entry = table[String(status)] ?? table[status >= 500 ? "500" : "400"];
  if (!entry) throw new Error(`error fixture has no entry for ${status}`);
  return structuredClone(entry);
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

export function sendJson(
  ctx: MockContext,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (ctx.res.headersSent || ctx.res.destroyed) return;
  const text = JSON.stringify(body);
  ctx.res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  ctx.res.end(text);
}

export type Frame = string | Uint8Array;

/** A stream: frames before the content deltas, the deltas (lazily built), and the frames after them. */
export interface StreamPlan {
  contentType: string;
  headers?: Record<string, string>;
  preamble: Frame[];
  deltas: Iterable<Frame>;
  epilogue: Frame[];
}

/**
 * Writes one frame with its own `res.write`. Resolves at once while the socket accepts data, else (and when
 * `flush` is asked, e.g. before cutting the socket) once the frame has been handed to the OS; false when the
 * request is gone.
 */
function writeFrame(ctx: MockContext, frame: Frame, flush: boolean): Promise<boolean> {
  const { res, signal } = ctx;
  if (res.destroyed || res.writableEnded || signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(false);
    signal.addEventListener("abort", onAbort, { once: true });
    const accepted = res.write(frame, (error) => {
      signal.removeEventListener("abort", onAbort);
      resolve(!error);
    });
    if (accepted && !flush) {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }
  });
}

/**
 * Streams a plan chunk by chunk: headers flushed at once, no content-length (chunked), one `res.write` per
 * frame, `chunkDelayMs` between consecutive frames, the socket destroyed after `cutAfter` deltas, and
 * nothing more sent after `stallAfter` deltas.
 */
export async function writeStream(ctx: MockContext, plan: StreamPlan): Promise<void> {
  const { res, controls, signal } = ctx;
  res.writeHead(200, { "content-type": plan.contentType, "cache-control": "no-cache", ...plan.headers });
  res.flushHeaders();
  let written = 0;
  const emit = async (frame: Frame, flush = false): Promise<boolean> => {
    if (written++ > 0 && !(await sleep(controls.chunkDelayMs, signal))) return false;
    return writeFrame(ctx, frame, flush);
  };
  const cut = (): void => {
    ctx.req.socket.destroy();
  };
  // Holds the connection open, sending nothing, until the client leaves or the server closes.
  const stall = (): Promise<void> =>
    new Promise((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener("abort", () => resolve(), { once: true });
    });
  if (controls.stallAfter === 0) return stall();
  for (const [i, frame] of plan.preamble.entries()) {
    if (!(await emit(frame, controls.cutAfter === 0 && i === plan.preamble.length - 1))) return;
  }
  if (controls.cutAfter === 0) return cut();
  let deltas = 0;
  for (const frame of plan.deltas) {
    const cutting = ++deltas === controls.cutAfter;
    if (!(await emit(frame, cutting))) return;
    if (cutting) return cut();
    if (deltas === controls.stallAfter) return stall();
  }
  for (const frame of plan.epilogue) if (!(await emit(frame))) return;
  res.end();
}
