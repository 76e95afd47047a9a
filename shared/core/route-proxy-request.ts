import { handleUnifiedRequest } from "../unified/handle-unified-request.ts";
import { isUnifiedPath } from "../unified/unified-path.ts";
import {
  type ExecutionContext,
  handleProviderRequest,
  type ProxyDependencies,
} from "./handle-provider-request.ts";
import { handleUniversalRequest, isUniversalPath } from "./universal-endpoint.ts";

/**
 * Which surface of the proxy Lambda a request is for. Each surface is its own handler; this is the one
 * place that tells them apart by path:
 * - `/v1/{account}/{gateway}/{provider}/...`: provider-native passthrough (handle-provider-request.ts).
 * Surfaces added next (each one branch here): the universal endpoint `/v1/{account}/{gateway}`, the unified
 * API `/v1/{account}/{gateway}/compat/...` and `/client/v4/accounts/{account}/ai/v1/...`.
 */
export function routeProxyRequest(
  request: Request,
  deps: ProxyDependencies,
  context: ExecutionContext,
): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (isUnifiedPath(pathname)) return handleUnifiedRequest(request, deps, context);
  if (isUniversalPath(pathname)) return handleUniversalRequest(request, deps, context);
  return handleProviderRequest(request, deps, context);
}
