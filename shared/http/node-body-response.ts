import type { Readable } from "node:stream";

/**
 * A web Response whose body is still a Node stream (a provider's socket, or what the gateway passes on
 * from it). Building the web ReadableStream, and reading through it chunk by chunk, cost the proxy a
 * measurable share of each request (docs/benchmarks.md), and its own path only moves bytes from one
 * Node stream to another. So the web body is made only when something asks for it: `body`, the body
 * methods and `clone` behave as on any Response (they build it once, on first use), while the proxy's
 * own path takes the Node stream with `takeNodeBody` and never builds one. The body can be consumed once,
 * either way. Its `headers` are the object given (a LightHeaders on the proxy's path), not a platform
 * Headers copy of them: the web Response made on demand gets them too.
 */
export class NodeBodyResponse extends Response {
  #source: Readable | null;
  #web: Response | null = null;
  readonly #headers: Headers;

  constructor(source: Readable, init: { status: number; statusText?: string; headers: Headers }) {
    super(null, { status: init.status, statusText: init.statusText });
    this.#source = source;
    this.#headers = init.headers;
  }

  static {
    // lib.dom types `body`, `bodyUsed` and `headers` as plain properties; the platform defines them as
    // getters, as here.
    Object.defineProperties(NodeBodyResponse.prototype, {
      headers: {
        configurable: true,
        get(this: NodeBodyResponse) {
          return this.#headers;
        },
      },
      body: {
        configurable: true,
        get(this: NodeBodyResponse) {
          return this.#web || this.#source ? this.#webResponse().body : null;
        },
      },
      bodyUsed: {
        configurable: true,
        get(this: NodeBodyResponse) {
          return this.#web ? this.#web.bodyUsed : this.#source === null;
        },
      },
    });
  }

  /** The Node stream, once, if no web body was made from it; null otherwise. */
  takeSource(): Readable | null {
    const source = this.#source;
    this.#source = null;
    return source;
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#read((response) => response.arrayBuffer());
  }

  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#read((response) => response.bytes());
  }

  override text(): Promise<string> {
    return this.#read((response) => response.text());
  }

  override json(): Promise<unknown> {
    return this.#read((response) => response.json());
  }

  override blob(): Promise<Blob> {
    return this.#read((response) => response.blob());
  }

  override formData(): Promise<FormData> {
    return this.#read((response) => response.formData());
  }

  override clone(): Response {
    if (!this.#web && !this.#source) throw new TypeError("Response.clone: the body has already been read");
    return this.#webResponse().clone();
  }

  #read<T>(method: (response: Response) => Promise<T>): Promise<T> {
    if (!this.#web && !this.#source) {
      return Promise.reject(new TypeError("Body is unusable: the body has already been read"));
    }
    return method(this.#webResponse());
  }

  /** The same response with a web-stream body, made from the Node stream on first use. */
  #webResponse(): Response {
    if (!this.#web) {
      const source = this.#source;
      this.#source = null;
      const init = { status: this.status, statusText: this.statusText, headers: this.headers };
      this.#web = new Response(source ? webStreamOf(source) : null, init);
    }
    return this.#web;
  }
}

/** The Node stream behind a response's body, taken for the caller to read, or null when it has none. */
export function takeNodeBody(response: Response): Readable | null {
  return response instanceof NodeBodyResponse ? response.takeSource() : null;
}

/**
 * A pull-based web stream over a Node stream: no read-ahead (highWaterMark 0), so a chunk is read from the
 * provider's socket only when the consumer asks for one, and backpressure reaches the provider's TCP window.
 * The Node stream errors on its own when its connection is cut; cancelling destroys it.
 */
export function webStreamOf(source: Readable): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        source.pause();
        source.on("data", (chunk: Buffer) => {
          if (settled) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) source.pause();
        });
        source.once("end", () => {
          if (settled) return;
          settled = true;
          controller.close();
        });
        const fail = (error: unknown) => {
          if (settled) return;
          settled = true;
          controller.error(error);
        };
        source.once("error", fail);
        // Closed before the end with no error of its own: the connection was cut.
        source.once("close", () => fail(new Error("terminated: the provider closed the connection")));
      },
      pull() {
        source.resume();
      },
      cancel() {
        settled = true;
        source.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

/** Whether a response has a body, without making a web stream of a Node one to find out. */
export function hasBody(response: Response): boolean {
  return response instanceof NodeBodyResponse ? !response.bodyUsed : response.body !== null;
}
