import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";

/**
 * The request body's bytes, refused with a 413 past `limit`: by its declared length before anything is
 * read, and by what was read (a body sent without a length, or with a false one). Every surface reads its
 * body here (provider-native, unified, universal).
 */
export async function readBoundedBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limit) throw payloadTooLarge(limit);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > limit) throw payloadTooLarge(limit);
  return bytes;
}

/** The provider-native body: passed on as bytes; none for GET and HEAD, or when it is empty. */
export async function readPassthroughBody(
  request: Request,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (request.method === "GET" || request.method === "HEAD") return null;
  const body = await readBoundedBody(request, limit);
  return body.byteLength > 0 ? body : null;
}

/** The unified surface's body and its JSON (a 400 when it is not JSON). */
export async function readJsonBody(
  request: Request,
  limit: number,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; json: unknown }> {
  const bytes = await readBoundedBody(request, limit);
  try {
    return { bytes, json: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch {
    throw GatewayError.badRequest("The request body is not valid JSON");
  }
}

function payloadTooLarge(limit: number): GatewayError {
  return new GatewayError({
    status: 413,
    code: ERROR_CODES.payloadTooLarge,
    message: `Request body too large: the limit is ${limit} bytes`,
  });
}
