import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { LightHeaders } from "./light-headers.ts";
import { NodeBodyResponse } from "./node-body-response.ts";
import { type ConnectionPin, pinnedLookup } from "./pinned-lookup.ts";

/** What the gateway asks of a provider call: the subset of fetch the core uses. */
export interface UpstreamRequestInit {
  method: string;
  headers: Headers;
  body: Uint8Array | null;
  signal: AbortSignal;
  /** Redirects are handed back, never followed (a credential must not follow one to another host). */
  redirect: "manual";
  /** Connect only to the addresses the upstream guard checked for the host (upstream-guard.ts). */
  pin?: ConnectionPin;
}

export interface HttpFetchOptions {
  /** Certificates trusted besides Node's own (tests: a loopback server's); deployments use NODE_EXTRA_CA_CERTS. */
  ca?: string;
}

export type UpstreamFetch = (url: string, init: UpstreamRequestInit) => Promise<Response>;

/** Statuses whose response has no body (the Response constructor refuses one). */
export const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
/** Idle connections are closed after this (undici's default too): providers drop idle ones at about 5 s. */
const IDLE_SOCKET_MS = 4_000;

/**
 * Node's built-in `fetch` (undici) as the gateway uses it, on node:http and node:https instead: the same
 * Response, web-stream body and errors, for about half the CPU per call (measured in docs/benchmarks.md),
 * and the provider call is on every request's path. Kept from fetch: keep-alive connections, `accept-encoding`
 * when the caller sent none (gzip and deflate, plus br over https) and the decoding of what comes back,
 * redirects returned as they are, abort through the signal (before and after the head), errors carrying
 * the system error code (`ECONNREFUSED`, ...). A connection reused from the pool that the provider had
 * already closed is retried once on a new one, as Node's documentation advises; nothing else is retried.
 * A call with a `pin` (an override or a custom provider, checked by the upstream guard) connects only to
 * the addresses the guard checked, over connections of its own.
 */
export function createHttpFetch(options: HttpFetchOptions = {}): UpstreamFetch {
  const pool = { keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: "lifo" } as const;
  const tls = options.ca ? { ca: options.ca } : {};
  const agents = { "http:": new HttpAgent(pool), "https:": new HttpsAgent({ ...pool, ...tls }) };
  // Pinned calls keep their own connections: a socket that an unpinned call opened to the same host
  // (through DNS, unchecked) must never carry a pinned one.
  const pinnedAgents = { "http:": new HttpAgent(pool), "https:": new HttpsAgent({ ...pool, ...tls }) };
  return (url, init) => {
    const target = new URL(url);
    if (target.protocol !== "http:" && target.protocol !== "https:") {
      return Promise.reject(new TypeError(`Unsupported protocol ${target.protocol}`));
    }
    const headers = headerRecord(init, target.protocol === "https:");
    const agent = (init.pin ? pinnedAgents : agents)[target.protocol];
    return send(target, init, headers, agent, true);
  };
}

function headerRecord(init: UpstreamRequestInit, secure: boolean): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of init.headers) record[name] = value;
  record["accept-encoding"] ??= secure ? "br, gzip, deflate" : "gzip, deflate";
  // As fetch: a POST or PUT without a body says so (node:http would otherwise send it chunked).
  if (init.body) record["content-length"] = String(init.body.byteLength);
  else if (init.method === "POST" || init.method === "PUT") record["content-length"] = "0";
  return record;
}

function send(
  target: URL,
  init: UpstreamRequestInit,
  headers: Record<string, string>,
  agent: HttpAgent,
  mayRetryStaleSocket: boolean,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    if (init.signal.aborted) {
      reject(init.signal.reason);
      return;
    }
    const request = (target.protocol === "https:" ? httpsRequest : httpRequest)(target, {
      method: init.method,
      headers,
      agent,
      // The pinned addresses instead of DNS; the Host header, SNI and certificate check stay the name's.
      ...(init.pin ? { lookup: pinnedLookup(init.pin) } : {}),
    });
    let responded = false;
    let message: IncomingMessage | undefined;
    // Before the head the promise rejects with the reason; after it the body errors with it (as fetch does),
    // which needs the message destroyed with the reason: destroying the request would error it ECONNRESET.
    const onAbort = () => (message ?? request).destroy(init.signal.reason);
    init.signal.addEventListener("abort", onAbort, { once: true });
    request.on("error", (error: NodeJS.ErrnoException) => {
      // After the head, a failure is the body's: its stream reports it.
      if (responded) return;
      init.signal.removeEventListener("abort", onAbort);
      if (init.signal.aborted) reject(init.signal.reason);
      else if (mayRetryStaleSocket && request.reusedSocket && isStaleSocketError(error))
        resolve(send(target, init, headers, agent, false));
      else reject(error);
    });
    request.once("response", (response) => {
      responded = true;
      message = response;
      const head = responseOf(response, init);
      // After the head the signal still cancels: the body stream then errors with the abort reason.
      response.once("close", () => init.signal.removeEventListener("abort", onAbort));
      resolve(head);
    });
    request.end(init.body ?? undefined);
  });
}

function isStaleSocketError(error: NodeJS.ErrnoException): boolean {
  return error.code === "ECONNRESET" || error.code === "EPIPE";
}

function responseOf(message: IncomingMessage, init: UpstreamRequestInit): Response {
  const headers = new LightHeaders();
  const raw = message.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) headers.append(raw[index] ?? "", raw[index + 1] ?? "");
  const status = message.statusCode ?? 502;
  const options = { status, statusText: message.statusMessage ?? "", headers };
  if (init.method === "HEAD" || NULL_BODY_STATUSES.has(status)) {
    message.resume();
    return new Response(null, options);
  }
  // The body stays a Node stream until something asks for a web one (node-body-response.ts).
  return new NodeBodyResponse(decoded(message, headers.get("content-encoding")), options);
}

/** The body as fetch gives it: decoded when the provider compressed it in a way fetch also decodes. */
function decoded(message: IncomingMessage, encoding: string | null): Readable {
  const codings = (encoding ?? "")
    .toLowerCase()
    .split(",")
    .map((coding) => coding.trim());
  if (codings.length !== 1) return message;
  const decoder =
    codings[0] === "gzip" || codings[0] === "x-gzip"
      ? createGunzip()
      : codings[0] === "deflate"
        ? createInflate()
        : codings[0] === "br"
          ? createBrotliDecompress()
          : null;
  if (!decoder) return message;
  message.on("error", (error) => decoder.destroy(error));
  // Whoever reads the body holds the decoder only: destroying it (a cancel) must close the connection too.
  decoder.once("close", () => {
    if (!message.complete) message.destroy();
  });
  return message.pipe(decoder);
}
