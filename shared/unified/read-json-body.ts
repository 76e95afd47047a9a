import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";

/** The request body, bounded as on the provider-native surface, and its JSON (a 400 when it is not JSON). */
export async function readJsonBody(
  request: Request,
  limit: number,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; json: unknown }> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limit) throw payloadTooLarge(limit);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > limit) throw payloadTooLarge(limit);
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
