import { envelopeError } from "./envelope.ts";
import { methodNotAllowed } from "./management-errors.ts";

let documentText: Promise<string> | undefined;

/**
 * GET /client/v4/openapi.json: the OpenAPI document of this API (docs/openapi.json), without
 * authentication: it is the public documentation of the API, the same for every deployment, and says
 * nothing about an account. Built on the first request (imported then, so a cold start does not pay for
 * it), from the same zod schemas the handlers validate with.
 */
export async function serveOpenApiDocument(request: Request): Promise<Response> {
  if (request.method !== "GET") {
    return envelopeError(methodNotAllowed(request.method, ["GET"]), { allow: "GET" });
  }
  documentText ??= import("../openapi/openapi-document.ts").then(({ openApiText }) => openApiText());
  return new Response(await documentText, {
    headers: { "content-type": "application/json", "cache-control": "public, max-age=300" },
  });
}
