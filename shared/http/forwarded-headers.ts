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

function listedInConnection(headers: Headers): Set<string> {
  const listed = headers.get("connection");
  return new Set(listed ? listed.split(",").map((name) => name.trim().toLowerCase()) : []);
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
export function upstreamRequestHeaders(clientHeaders: Headers): Headers {
  const dropped = listedInConnection(clientHeaders);
  const headers = new Headers();
  for (const [name, value] of clientHeaders) {
    if (
      HOP_BY_HOP.has(name) ||
      NOT_FORWARDED_UPSTREAM.has(name) ||
      dropped.has(name) ||
      isFrontDoorHeader(name)
    ) {
      continue;
    }
    headers.append(name, value);
  }
  return headers;
}

/**
 * Headers to send the client for a provider response. `content-encoding` and `content-length` go too:
 * the provider call (http-fetch.ts) has already decoded the body, so both would describe bytes the client
 * never receives.
 */
export function clientResponseHeaders(upstreamHeaders: Headers): Headers {
  const dropped = listedInConnection(upstreamHeaders);
  const headers = new Headers();
  for (const [name, value] of upstreamHeaders) {
    if (
      HOP_BY_HOP.has(name) ||
      dropped.has(name) ||
      name === "content-encoding" ||
      name === "content-length"
    ) {
      continue;
    }
    headers.append(name, value);
  }
  return headers;
}
