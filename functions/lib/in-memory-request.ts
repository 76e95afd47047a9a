import { LightHeaders } from "../../shared/http/light-headers.ts";

/**
 * A web Request whose body is already in memory, as an API Gateway event's is (the whole body, base64, in the
 * event). Its body methods answer from those bytes directly. A plain Request built with the bytes as its body
 * puts them through a ReadableStream and reads them back, a cost on every request's path (measured in
 * docs/benchmarks.md). `body` still gives a stream to code that asks for one. As with any Request, the body can be read once.
 *
 * It is not a platform Request either (not an `instanceof Request`): undici's constructor makes an
 * AbortController and copies the headers into a Headers of its own on every request. Here the headers are
 * the object given (a LightHeaders from eventToRequest), the signal is made only if something asks for it,
 * and the other fields are the values the platform gives a Request built from a URL, a method and headers.
 * The URL and method are checked and normalized as the platform does, with its TypeErrors (but for the
 * methods fetch forbids: see normalizedMethod).
 */
export class InMemoryRequest implements Request {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly #bytes: Uint8Array | null;
  #used = false;
  #signal: AbortSignal | null = null;

  constructor(url: string, init: { method: string; headers: Headers }, bytes: Uint8Array | null) {
    this.url = parsedUrl(url);
    this.method = normalizedMethod(init.method);
    this.headers = init.headers;
    this.#bytes = bytes && bytes.byteLength > 0 ? bytes : null;
  }

  get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.#bytes === null) return null;
    const bytes = this.#bytes;
    const stream = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        controller.enqueue(this.#take() ?? bytes);
        controller.close();
      },
    });
    return stream as ReadableStream<Uint8Array<ArrayBuffer>>;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  /** Never aborted: the request is whole before the handler runs. Made on first use (most never ask). */
  get signal(): AbortSignal {
    this.#signal ??= new AbortController().signal;
    return this.#signal;
  }

  get cache(): RequestCache {
    return "default";
  }

  get credentials(): RequestCredentials {
    return "same-origin";
  }

  get destination(): RequestDestination {
    return "";
  }

  get integrity(): string {
    return "";
  }

  get keepalive(): boolean {
    return false;
  }

  get mode(): RequestMode {
    return "cors";
  }

  get redirect(): RequestRedirect {
    return "follow";
  }

  get referrer(): string {
    return "about:client";
  }

  get referrerPolicy(): ReferrerPolicy {
    return "";
  }

  get duplex(): "half" {
    return "half";
  }

  get isReloadNavigation(): boolean {
    return false;
  }

  get isHistoryNavigation(): boolean {
    return false;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    return bytes ? copyOf(bytes).buffer : new ArrayBuffer(0);
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  async text(): Promise<string> {
    const bytes = this.#take();
    return bytes ? new TextDecoder().decode(bytes) : "";
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async blob(): Promise<Blob> {
    const bytes = this.#take();
    return new Blob(bytes ? [copyOf(bytes)] : [], { type: this.headers.get("content-type") ?? "" });
  }

  async formData(): Promise<FormData> {
    const bytes = this.#take();
    return new Response(bytes ? copyOf(bytes) : null, { headers: this.headers }).formData();
  }

  clone(): InMemoryRequest {
    if (this.#used) throw new TypeError("Request.clone: the body has already been read");
    // The bytes are never written to, so the clone shares them; its headers are its own, as a clone's are.
    return new InMemoryRequest(
      this.url,
      { method: this.method, headers: new LightHeaders(this.headers) },
      this.#bytes,
    );
  }

  #take(): Uint8Array | null {
    if (this.#used) throw new TypeError("Body is unusable: the body has already been read");
    this.#used = true;
    return this.#bytes;
  }
}

/** The URL as the platform's Request keeps it: parsed and serialized, refused as it refuses one. */
function parsedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new TypeError(`Failed to parse URL from ${url}`, { cause: error });
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw new TypeError(`Request cannot be constructed from a URL that includes credentials: ${url}`);
  }
  return parsed.href;
}

/** Methods the platform upper-cases whatever their case (fetch's "normalize a method"). */
const NORMALIZED_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
const METHOD_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The method as the platform's Request keeps it, or its TypeError. API Gateway's is already upper-case.
 * One difference: the platform refuses TRACE, CONNECT and TRACK, which would make the invocation fail (a 502
 * from the front); kept (upper-case), they reach the handlers, which answer them with a 405 of their own.
 */
function normalizedMethod(method: string): string {
  if (NORMALIZED_METHODS.has(method) || method === "PATCH") return method;
  if (!METHOD_TOKEN.test(method)) throw new TypeError(`'${method}' is not a valid HTTP method.`);
  const upper = method.toUpperCase();
  if (FORBIDDEN_METHODS.has(upper)) return upper;
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

/**
 * The bytes in an ArrayBuffer of their own: an event's decoded body is a Buffer that may sit in Node's shared
 * pool (and a Buffer's `slice` is a view, not a copy).
 */
function copyOf(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}
