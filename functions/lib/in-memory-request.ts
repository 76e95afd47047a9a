/**
 * A web Request whose body is already in memory, as an API Gateway event's is (the whole body, base64, in the
 * event). Its body methods answer from those bytes directly. A plain Request built with the bytes as its body
 * puts them through a ReadableStream and reads them back: ~20 µs per request in a micro-benchmark and, with
 * the Request itself, about 130 µs of the proxy's path in its profile (docs/benchmarks.md). `body` still gives
 * a stream to code that asks for one. As with any Request, the body can be read once.
 */
export class InMemoryRequest extends Request {
  readonly #bytes: Uint8Array | null;
  #used = false;

  constructor(url: string, init: { method: string; headers: Headers }, bytes: Uint8Array | null) {
    super(url, init);
    this.#bytes = bytes && bytes.byteLength > 0 ? bytes : null;
  }

  static {
    // lib.dom types `body` and `bodyUsed` as plain properties; the platform defines them as getters, as here.
    Object.defineProperties(InMemoryRequest.prototype, {
      body: {
        configurable: true,
        get(this: InMemoryRequest) {
          if (this.#bytes === null) return null;
          const bytes = this.#bytes;
          return new ReadableStream<Uint8Array>({
            pull: (controller) => {
              controller.enqueue(this.#take() ?? bytes);
              controller.close();
            },
          });
        },
      },
      bodyUsed: {
        configurable: true,
        get(this: InMemoryRequest) {
          return this.#used;
        },
      },
    });
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    return bytes ? copyOf(bytes).buffer : new ArrayBuffer(0);
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  override async text(): Promise<string> {
    const bytes = this.#take();
    return bytes ? new TextDecoder().decode(bytes) : "";
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  override async blob(): Promise<Blob> {
    const bytes = this.#take();
    return new Blob(bytes ? [copyOf(bytes)] : [], { type: this.headers.get("content-type") ?? "" });
  }

  override async formData(): Promise<FormData> {
    const bytes = this.#take();
    return new Response(bytes ? copyOf(bytes) : null, { headers: this.headers }).formData();
  }

  override clone(): InMemoryRequest {
    if (this.#used) throw new TypeError("Request.clone: the body has already been read");
    return new InMemoryRequest(
      this.url,
      { method: this.method, headers: new Headers(this.headers) },
      this.#bytes,
    );
  }

  #take(): Uint8Array | null {
    if (this.#used) throw new TypeError("Body is unusable: the body has already been read");
    this.#used = true;
    return this.#bytes;
  }
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
