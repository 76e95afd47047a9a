/**
 * The request body in the form the cache key hashes: two requests that differ only in the order of
 * their JSON object keys (or in insignificant whitespace) are the same request. JSON is re-serialised
 * with object keys sorted recursively (arrays keep their order: it is meaningful); anything that is not
 * JSON (form data, binary, invalid UTF-8) is hashed as the bytes that were sent. The two forms carry
 * different prefixes, so a JSON body can never collide with a byte body that happens to look like it.
 */
export function canonicalBody(body: Uint8Array | null): Uint8Array {
  if (body === null || body.byteLength === 0) return new TextEncoder().encode("empty:");
  const json = parseJson(body);
  if (json === undefined) return concat(new TextEncoder().encode("bytes:"), body);
  return new TextEncoder().encode(`json:${canonicalJson(json)}`);
}

/** JSON.stringify with object keys in code-point order at every depth. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
      .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

function parseJson(body: Uint8Array): unknown {
  try {
    // fatal: bytes that are not UTF-8 are not JSON text (and must not be normalised into U+FFFD).
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    return undefined;
  }
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const joined = new Uint8Array(head.byteLength + tail.byteLength);
  joined.set(head, 0);
  joined.set(tail, head.byteLength);
  return joined;
}
