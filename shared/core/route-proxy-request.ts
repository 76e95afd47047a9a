import {
  type ExecutionContext,
  handleProviderRequest,
  type ProxyDependencies,
} from "./handle-provider-request.ts";

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
  return handleProviderRequest(request, deps, context);
}
