import { DEFAULT_GATEWAY_ID, type Gateway } from "../schemas/gateway.ts";
import { bearerToken, tokensEqual } from "./bearer-token.ts";
import { GatewayError } from "./gateway-error.ts";
import type { GatewayResolver } from "./gateway-resolver.ts";

export interface GatewayAccessDependencies {
  accountId: string;
  gateways: GatewayResolver;
  /** The bootstrap admin token (AIG_API_TOKEN, or the stack's secret), which also has the run scope. */
  adminToken: () => Promise<string>;
}

async function isAuthenticated(headers: Headers, deps: GatewayAccessDependencies): Promise<boolean> {
  const presented = bearerToken(headers.get("cf-aig-authorization"));
  return presented !== null && tokensEqual(presented, await deps.adminToken());
}

/**
 * The gateway a provider-native request runs on, after the checks that come before any logging:
 * the account must be this deployment's, the gateway must exist (only `default` is created on first use,
 * and only by an authenticated request, as reference 4.3 says), and an authenticated gateway needs
 * `cf-aig-authorization: Bearer <token>`.
 */
export async function resolveGatewayAccess(
  accountId: string,
  gatewayId: string,
  headers: Headers,
  deps: GatewayAccessDependencies,
): Promise<Gateway> {
  if (accountId !== deps.accountId)
    throw GatewayError.notFound(`Unknown account "${accountId.slice(0, 80)}"`);

  const existing = await deps.gateways.find(accountId, gatewayId);
  if (existing) {
    if (existing.authentication && !(await isAuthenticated(headers, deps))) throw GatewayError.unauthorized();
    return existing;
  }
  if (gatewayId !== DEFAULT_GATEWAY_ID) throw GatewayError.notFound(`Unknown gateway "${gatewayId}"`);
  if (!(await isAuthenticated(headers, deps))) throw GatewayError.unauthorized();
  return deps.gateways.createDefault(accountId, gatewayId);
}
