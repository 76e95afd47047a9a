import { DEFAULT_GATEWAY_ID, GATEWAY_ID_PATTERN } from "../schemas/gateway.ts";
import type { GatewayResolver } from "./gateway-resolver.ts";

export interface CorsDependencies {
  accountId: string;
  gateways: GatewayResolver;
}

/** The gateway's own headers a page may read (the provider's ride along only when it lists them itself). */
const EXPOSED_HEADERS = [
  "cf-aig-log-id",
  "cf-aig-event-id",
  "cf-aig-request-id",
  "cf-aig-cache-status",
  "cf-aig-step",
  "cf-aig-model",
  "cf-aig-provider",
  "retry-after",
  "ratelimit",
  "ratelimit-policy",
].join(", ");

/** How long a browser may reuse a preflight answer: a settings change reaches pages within it. */
const PREFLIGHT_MAX_AGE_SECONDS = "600";

function decode(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? "");
  } catch {
    return "";
  }
}

/**
 * The gateway whose `cors_allowed_origins` apply: the one a `/v1/{account}/{gateway}/...` path names, or on
 * `/client/v4/accounts/{account}/ai/...` the `cf-aig-gateway-id` header's (`default` without it; a preflight
 * never carries it, so a page on that surface is allowed by the `default` gateway's list).
 */
function corsGatewayOf(pathname: string, headers: Headers): { accountId: string; gatewayId: string } | null {
  const [, first, second, third, fourth] = pathname.split("/");
  const viaPath = first === "v1";
  const viaRest = first === "client" && second === "v4" && third === "accounts";
  if (!viaPath && !viaRest) return null;
  const accountId = decode(viaPath ? second : fourth);
  const gatewayId = viaPath ? decode(third) : headers.get("cf-aig-gateway-id")?.trim() || DEFAULT_GATEWAY_ID;
  return GATEWAY_ID_PATTERN.test(gatewayId) ? { accountId, gatewayId } : null;
}

/**
 * The request's `Origin` when the gateway it addresses lists it (or lists "*"); null when it sends none, the
 * gateway lists no such origin, or the gateway does not exist (a preflight is never authenticated, so it
 * creates nothing and tells nothing apart). Gateways come from the resolver's cache: no extra read when warm.
 */
export async function allowedOrigin(
  request: Request,
  pathname: string,
  deps: CorsDependencies,
): Promise<string | null> {
  const origin = request.headers.get("origin");
  if (origin === null) return null;
  const target = corsGatewayOf(pathname, request.headers);
  if (target === null || target.accountId !== deps.accountId) return null;
  const gateway = await deps.gateways.find(target.accountId, target.gatewayId).catch(() => undefined);
  const allowed = gateway?.cors_allowed_origins ?? [];
  return allowed.includes(origin) || allowed.includes("*") ? origin : null;
}

/**
 * The gateway's own answer to OPTIONS (a CORS preflight or not): 204 with `Allow`, plus the CORS grant when
 * the origin is allowed. It never reaches the provider and is not a request to log (docs/logging.md).
 */
export function optionsResponse(request: Request, allow: string, origin: string | null): Response {
  const headers = new Headers({ allow, vary: "Origin" });
  if (origin !== null) {
    headers.set("access-control-allow-origin", origin);
    headers.set("access-control-allow-methods", allow);
    const requested = request.headers.get("access-control-request-headers");
    if (requested) headers.set("access-control-allow-headers", requested);
    headers.set("access-control-max-age", PREFLIGHT_MAX_AGE_SECONDS);
  }
  return new Response(null, { status: 204, headers });
}

/** An actual answer to an allowed origin: readable by the page, with the gateway's headers exposed. */
export function withCorsHeaders(response: Response, origin: string): Response {
  const grant = (headers: Headers) => {
    headers.set("access-control-allow-origin", origin);
    headers.set("access-control-expose-headers", EXPOSED_HEADERS);
    headers.append("vary", "Origin");
  };
  try {
    grant(response.headers);
    return response;
  } catch {
    // Headers of a fetch() response are immutable: answer with a copy that shares the body.
    const copy = new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: new Headers(response.headers),
    });
    grant(copy.headers);
    return copy;
  }
}
