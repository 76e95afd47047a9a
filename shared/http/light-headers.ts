/**
 * Headers with the platform's observable behaviour, without the platform's cost. Node's Headers (undici)
 * brand-checks and converts every argument through WebIDL, keeps a list it sorts on every iteration, and
 * showed at several percent of the proxy's CPU in its profile (docs/benchmarks.md); the proxy's own path
 * builds three header sets per request. Here a Map keyed by the lower-cased name holds each header's
 * combined value, and the sorted entries are kept until the next change.
 *
 * As the platform's (a Headers with no guard): names are case-insensitive and read back lower-cased;
 * `get` joins repeated values with ", " (set-cookie too) while `getSetCookie` and iteration keep each
 * set-cookie apart; iteration is sorted by name and sees changes made during it (it walks an index over the
 * current entries); values lose leading and trailing HTTP whitespace; an invalid name or value is a
 * TypeError. `new Headers(light)`, `new Response(body, { headers: light })` and `fetch` accept it as they
 * accept any iterable of pairs. What it is not: an `instanceof Headers`.
 */
/** The iterator's way to the sorted entries (set in LightHeaders' static block: they are private to it). */
let sortedEntries: (headers: LightHeaders) => string[];

export class LightHeaders implements Headers {
  /** Lower-cased name to the value `get` gives (repeated values joined). */
  readonly #values = new Map<string, string>();
  /** Each set-cookie value, kept apart as the platform keeps them. */
  #cookies: string[] | null = null;
  /** Names and values in iteration order, [name0, value0, name1, value1, ...]; null after a change. */
  #sorted: string[] | null = null;

  constructor(init?: HeadersInit) {
    if (init === undefined || init === null) return;
    if (init instanceof LightHeaders) {
      init.#copyInto(this, () => true);
    } else if (typeof (init as Iterable<unknown>)[Symbol.iterator] === "function") {
      for (const pair of init as Iterable<Iterable<string>>) {
        const entry = [...pair];
        if (entry.length !== 2) {
          throw new TypeError(
            `Headers constructor: expected name/value pair to be length 2, found ${entry.length}.`,
          );
        }
        this.append(entry[0] as string, entry[1] as string);
      }
    } else if (typeof init === "object") {
      for (const name of Object.keys(init))
        this.append(name, (init as Record<string, string>)[name] as string);
    } else {
      throw new TypeError(
        "Headers constructor: Expected name/value pair to be an object, an iterable or a record.",
      );
    }
  }

  /**
   * A copy holding the headers whose lower-cased name `keep` accepts. From a LightHeaders nothing is
   * validated again (its names and values already are); from another Headers it goes through `append`.
   */
  static filtered(source: Headers, keep: (name: string) => boolean): LightHeaders {
    const copy = new LightHeaders();
    if (source instanceof LightHeaders) {
      source.#copyInto(copy, keep);
      return copy;
    }
    for (const [name, value] of source) if (keep(name)) copy.append(name, value);
    return copy;
  }

  append(name: string, value: string): void {
    const key = headerName("append", name, value);
    const clean = headerValue("append", value);
    const existing = this.#values.get(key);
    this.#values.set(key, existing === undefined ? clean : `${existing}, ${clean}`);
    if (key === "set-cookie") {
      if (this.#cookies) this.#cookies.push(clean);
      else this.#cookies = [clean];
    }
    this.#sorted = null;
  }

  set(name: string, value: string): void {
    const key = headerName("set", name, value);
    const clean = headerValue("set", value);
    this.#values.set(key, clean);
    if (key === "set-cookie") this.#cookies = [clean];
    this.#sorted = null;
  }

  delete(name: string): void {
    const key = headerName("delete", name);
    if (!this.#values.delete(key)) return;
    if (key === "set-cookie") this.#cookies = null;
    this.#sorted = null;
  }

  get(name: string): string | null {
    // A name already stored is valid: the usual lookup (a lower-case literal) skips the checks.
    const stored = this.#values.get(name);
    if (stored !== undefined) return stored;
    return this.#values.get(headerName("get", name)) ?? null;
  }

  has(name: string): boolean {
    return this.#values.has(name) || this.#values.has(headerName("has", name));
  }

  getSetCookie(): string[] {
    return this.#cookies ? [...this.#cookies] : [];
  }

  forEach(callbackfn: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    if (typeof callbackfn !== "function") {
      throw new TypeError("Failed to execute 'forEach' on 'Headers': parameter 1 is not of type 'Function'.");
    }
    const self = thisArg === undefined ? globalThis : thisArg;
    for (const [name, value] of this.entries()) callbackfn.call(self, value, name, this);
  }

  entries(): HeadersIterator<[string, string]> {
    return new LightHeadersIterator<[string, string]>(this, ENTRIES);
  }

  keys(): HeadersIterator<string> {
    return new LightHeadersIterator<string>(this, KEYS);
  }

  values(): HeadersIterator<string> {
    return new LightHeadersIterator<string>(this, VALUES);
  }

  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return new LightHeadersIterator<[string, string]>(this, ENTRIES);
  }

  static {
    sortedEntries = (headers) => headers.#sortedEntries();
  }

  /** The entries in iteration order, flat: made once per change. */
  #sortedEntries(): string[] {
    if (this.#sorted) return this.#sorted;
    const names = [...this.#values.keys()].sort();
    const sorted: string[] = [];
    for (const name of names) {
      if (name === "set-cookie" && this.#cookies) {
        for (const cookie of this.#cookies) sorted.push(name, cookie);
      } else {
        sorted.push(name, this.#values.get(name) as string);
      }
    }
    this.#sorted = sorted;
    return sorted;
  }

  #copyInto(target: LightHeaders, keep: (name: string) => boolean): void {
    for (const [name, value] of this.#values) if (keep(name)) target.#values.set(name, value);
    if (this.#cookies && target.#values.has("set-cookie")) target.#cookies = [...this.#cookies];
  }
}

const ENTRIES = 0;
const KEYS = 1;
const VALUES = 2;
type IteratorKind = typeof ENTRIES | typeof KEYS | typeof VALUES;

/**
 * The platform's Headers iterator: an index over the current sorted entries, read again at each step, so
 * a change made while iterating shows (as the platform's does, a delete can make it skip one entry).
 */
class LightHeadersIterator<T> implements HeadersIterator<T> {
  readonly #headers: LightHeaders;
  readonly #kind: IteratorKind;
  #index = 0;

  constructor(headers: LightHeaders, kind: IteratorKind) {
    this.#headers = headers;
    this.#kind = kind;
  }

  next(): IteratorResult<T, undefined> {
    const sorted = sortedEntries(this.#headers);
    const at = this.#index * 2;
    if (at >= sorted.length) return { value: undefined, done: true };
    this.#index += 1;
    const name = sorted[at] as string;
    const value = sorted[at + 1] as string;
    const item = this.#kind === ENTRIES ? [name, value] : this.#kind === KEYS ? name : value;
    return { value: item as T, done: false };
  }

  [Symbol.iterator](): LightHeadersIterator<T> {
    return this;
  }

  get [Symbol.toStringTag](): string {
    return "Headers Iterator";
  }
}

// As the platform's iterators: the shared %IteratorPrototype% above this one.
Object.setPrototypeOf(
  LightHeadersIterator.prototype,
  Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())),
);

/** RFC 9110 token characters: a valid header name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What a value that needs no normalizing may not hold: NUL, CR, LF, or a character that is not a byte. */
const NOT_CLEAN = /[\0\n\r\u0100-\uffff]/;
/** What a value may not hold once its ends are stripped. */
const INVALID_VALUE = /[\0\n\r]/;
const NON_BYTE = /[\u0100-\uffff]/;
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** The lower-cased name, or the platform's TypeError for an invalid one. */
function headerName(method: string, name: string, value?: string): string {
  const text = typeof name === "string" ? name : `${name}`;
  if (TOKEN.test(text)) return text.toLowerCase();
  checkByteString(text);
  if (value !== undefined) checkByteString(`${value}`);
  throw new TypeError(`Headers.${method}: "${text}" is an invalid header name.`);
}

/** The value with its leading and trailing HTTP whitespace removed, or the platform's TypeError. */
function headerValue(method: string, value: string): string {
  const text = typeof value === "string" ? value : `${value}`;
  // The usual value: it starts and ends with a visible character (so no HTTP whitespace to strip) and holds
  // nothing invalid. Anything else takes the careful path.
  const last = text.length - 1;
  if (last < 0 || (text.charCodeAt(0) > 0x20 && text.charCodeAt(last) > 0x20 && !NOT_CLEAN.test(text))) {
    return text;
  }
  checkByteString(text);
  const stripped = text.replace(EDGE_WHITESPACE, "");
  if (INVALID_VALUE.test(stripped)) {
    throw new TypeError(`Headers.${method}: "${stripped}" is an invalid header value.`);
  }
  return stripped;
}

/** WebIDL's ByteString conversion, as the platform applies it to names and values first. */
function checkByteString(text: string): void {
  const match = NON_BYTE.exec(text);
  if (!match) return;
  throw new TypeError(
    `Cannot convert argument to a ByteString because the character at index ${match.index} has a value of ${text.charCodeAt(match.index)} which is greater than 255.`,
  );
}
