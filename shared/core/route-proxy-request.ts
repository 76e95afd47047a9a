import { errorResponse } from "../http/error-response.ts";
import { rawPathOf } from "../http/raw-path.ts";
import { handleUnifiedRequest } from "../unified/handle-unified-request.ts";
import { handleModelList, isModelListPath } from "../unified/model-list.ts";
import { allowedOrigin, optionsResponse, withCorsHeaders } from "./cors.ts";
import { refuseDotSegments } from "./dot-segments.ts";
import type { ExecutionContext } from "./execution-context.ts";
import { ERROR_CODES, GatewayError, toGatewayError } from "./gateway-error.ts";
import { handleProviderRequest } from "./handle-provider-request.ts";
import type { ProxyDependencies } from "./proxy-dependencies.ts";
import { ALLOWED_METHODS, type ProxySurface, proxyDialectOf, proxySurfaceOf } from "./proxy-surface.ts";
import { handleUniversalRequest } from "./universal-endpoint.ts";

/** Methods fetch cannot send (and no provider API uses): a 405 here rather than a failed upstream call. */
const REFUSED_METHODS = new Set(["TRACE", "CONNECT", "TRACK"]);

/**
 * Which surface of the proxy Lambda a request is for. Each surface is its own handler; this is the one
 * place that tells them apart by path:
 * - `/v1/{account}/{gateway}/{provider}/...`: provider-native passthrough (handle-provider-request.ts).
 * - `/v1/{account}/{gateway}`: the universal endpoint (universal-endpoint.ts).
 * - `/v1/{account}/{gateway}/compat/...` and `/client/v4/accounts/{account}/ai/v1/...`: the unified API.
 * Before any of them, what no surface serves is refused here, in the dialect of the surface the path names:
 * a path with a dot segment (the path as the client sent it, shared/http/raw-path.ts), and TRACE or
 * CONNECT (405 with `Allow`). OPTIONS is answered here too, never passed to a provider, and every answer
 * to an origin the gateway lists in `cors_allowed_origins` carries the CORS grant (cors.ts).
 */
export async function routeProxyRequest(
  request: Request,
  deps: ProxyDependencies,
  context: ExecutionContext,
): Promise<Response> {
  const rawPath = rawPathOf(request);
  const { pathname } = new URL(request.url);
  const surface = proxySurfaceOf(pathname);
  try {
    refuseDotSegments(rawPath);
    if (REFUSED_METHODS.has(request.method)) throw methodNotAllowed(request.method, surface);
  } catch (caught) {
    const error = toGatewayError(caught);
    deps.logger.warn("request refused before routing", {
      method: request.method,
      path: rawPath.slice(0, 300),
      status: error.status,
      error: error.publicMessage,
    });
    return errorResponse(error, proxyDialectOf(rawPath), error.headers);
  }
  if (request.method === "OPTIONS") {
    return optionsResponse(request, ALLOWED_METHODS[surface], await allowedOrigin(request, pathname, deps));
  }

  const response = await handleSurface(surface, request, deps, context);
  // Only browsers send Origin: server-side callers never pay for the lookup.
  if (!request.headers.has("origin")) return response;
  const origin = await allowedOrigin(request, pathname, deps);
  return origin === null ? response : withCorsHeaders(response, origin);
}

function handleSurface(
  surface: ProxySurface,
  request: Request,
  deps: ProxyDependencies,
  context: ExecutionContext,
): Promise<Response> {
  switch (surface) {
    case "unified":
      // GET .../models lists the models; every other unified path is a call (handle-unified-request.ts).
      return isModelListPath(new URL(request.url).pathname)
        ? handleModelList(request, deps)
        : handleUnifiedRequest(request, deps, context);
    case "universal":
      return handleUniversalRequest(request, deps, context);
    default:
      return handleProviderRequest(request, deps, context);
  }
}

function methodNotAllowed(method: string, surface: ProxySurface): GatewayError {
  const allow = ALLOWED_METHODS[surface];
  return new GatewayError({
    status: 405,
    code: ERROR_CODES.invalidInput,
    message: `Method ${method} is not allowed here; allowed: ${allow}`,
    headers: { allow },
  });
}
