import type { APIGatewayProxyEvent } from "aws-lambda";
import { LightHeaders } from "../../shared/http/light-headers.ts";
import { rememberRawPath } from "../../shared/http/raw-path.ts";
import { InMemoryRequest } from "./in-memory-request.ts";

/**
 * An API Gateway REST proxy event as a web-standard Request. The stack sets binaryMediaTypes to `*\/*`,
 * so bodies arrive base64-encoded and byte-exact. REST events carry the query string already decoded
 * into a map; it is re-encoded here, which keeps every key and value but may spell an escape differently.
 * `event.path` is kept beside the Request as it came, before the URL resolved its dot segments.
 */
export function eventToRequest(event: APIGatewayProxyEvent): Request {
  const headers = new LightHeaders();
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    for (const value of values ?? []) headers.append(name, value);
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined && !headers.has(name)) headers.set(name, value);
  }

  const query = new URLSearchParams();
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    for (const value of values ?? []) query.append(name, value);
  }
  const search = query.size > 0 ? `?${query.toString()}` : "";
  const host = headers.get("host") ?? "gateway.local";
  const url = `https://${host}${event.path}${search}`;

  const hasBody =
    event.body !== null &&
    event.body !== undefined &&
    event.httpMethod !== "GET" &&
    event.httpMethod !== "HEAD";
  const body = hasBody ? Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8") : null;
  // The URL resolves dot segments; the routers check the path as it came (shared/http/raw-path.ts).
  return rememberRawPath(new InMemoryRequest(url, { method: event.httpMethod, headers }, body), event.path);
}
