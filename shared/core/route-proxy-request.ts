import { errorResponse } from "../http/error-response.ts";
import { rawPathOf } from "../http/raw-path.ts";
import { handleUnifiedRequest } from "../unified/handle-unified-request.ts";
import { refuseDotSegments } from "./dot-segments.ts";
import { toGatewayError } from "./gateway-error.ts";
import {
  type ExecutionContext,
  handleProviderRequest,
  type ProxyDependencies,
} from "./handle-provider-request.ts";
import { proxyDialectOf, proxySurfaceOf } from "./proxy-surface.ts";
import { handleUniversalRequest } from "./universal-endpoint.ts";

/**
 * Which surface of the proxy Lambda a request is for. Each surface is its own handler; this is the one
 * place that tells them apart by path:
 * - `/v1/{account}/{gateway}/{provider}/...`: provider-native passthrough (handle-provider-request.ts).
 * - `/v1/{account}/{gateway}`: the universal endpoint (universal-endpoint.ts).
 * - `/v1/{account}/{gateway}/compat/...` and `/client/v4/accounts/{account}/ai/v1/...`: the unified API.
 * Before any of them, what no surface serves is refused here, in the dialect of the surface the path names:
 * a path with a dot segment (the path as the client sent it, shared/http/raw-path.ts).
 */
export async function routeProxyRequest(
  request: Request,
  deps: ProxyDependencies,
  context: ExecutionContext,
): Promise<Response> {
  const rawPath = rawPathOf(request);
  try {
    refuseDotSegments(rawPath);
  } catch (caught) {
    const error = toGatewayError(caught);
    deps.logger.warn("request refused before routing", {
      path: rawPath.slice(0, 300),
      status: error.status,
      error: error.publicMessage,
    });
    return errorResponse(error, proxyDialectOf(rawPath), error.headers);
  }

  const { pathname } = new URL(request.url);
  switch (proxySurfaceOf(pathname)) {
    case "unified":
      return handleUnifiedRequest(request, deps, context);
    case "universal":
      return handleUniversalRequest(request, deps, context);
    default:
      return handleProviderRequest(request, deps, context);
  }
}
