import { LightHeaders } from "./light-headers.ts";

/**
 * Which headers cross the gateway. Provider credentials travel as the client sent them; what belongs to
 * one hop (RFC 9110 section 7.6.1), to the gateway itself (`cf-aig-*`, including the gateway token), or to
 * the AWS front door (API Gateway and CloudFront add their own) does not.
 */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

const NOT_FORWARDED_UPSTREAM = new Set(["host", "content-length", "forwarded", "via", "x-real-ip"]);

const NONE_LISTED: ReadonlySet<string> = new Set();

function listedInConnection(headers: Headers): ReadonlySet<string> {
  const listed = headers.get("connection");
  return listed ? new Set(listed.split(",").map((name) => name.trim().toLowerCase())) : NONE_LISTED;
}

function isFrontDoorHeader(name: string): boolean {
  return (
    name.startsWith("cf-aig-") ||
    name.startsWith("x-forwarded-") ||
    name.startsWith("x-amzn-") ||
    name.startsWith("cloudfront-") ||
    name === "x-amz-cf-id"
  );
}

/** Headers to send to the provider for a client request. */
export function upstreamRequestHeaders(clientHeaders: Headers): LightHeaders {
  const dropped = listedInConnection(clientHeaders);
  return LightHeaders.filtered(
    clientHeaders,
    (name) =>
      !HOP_BY_HOP.has(name) &&
      !NOT_FORWARDED_UPSTREAM.has(name) &&
      !dropped.has(name) &&
      !isFrontDoorHeader(name),
  );
}

/**
 * Headers to send the client for a provider response. `content-encoding` and `content-length` go too:
 * the provider call (http-fetch.ts) has already decoded the body, so both would describe bytes the client
 * never receives. So does a provider's own CORS grant (`access-control-allow-origin: *` and the like):
 * which pages may read an answer is the gateway's setting (`cors_allowed_origins`, shared/core/cors.ts).
 */
export function clientResponseHeaders(upstreamHeaders: Headers): LightHeaders {
  const dropped = listedInConnection(upstreamHeaders);
  return LightHeaders.filtered(
    upstreamHeaders,
    (name) =>
      !HOP_BY_HOP.has(name) &&
      !dropped.has(name) &&
      name !== "content-encoding" &&
      name !== "content-length" &&
      !name.startsWith("access-control-"),
  );
}
