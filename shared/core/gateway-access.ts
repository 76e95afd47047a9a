import { DEFAULT_GATEWAY_ID, type Gateway } from "../schemas/gateway.ts";
import { bearerToken, tokensEqual } from "./bearer-token.ts";
import { GatewayError } from "./gateway-error.ts";
import type { GatewayResolver } from "./gateway-resolver.ts";
import type { RunTokenVerifier } from "./run-token-verifier.ts";

export interface GatewayAccessDependencies {
  accountId: string;
  gateways: GatewayResolver;
  /** The bootstrap admin token (AIG_API_TOKEN, or the stack's secret), which also has the run scope. */
  adminToken: () => Promise<string>;
  /** API tokens with the `run` scope, created through the management API. */
  runTokens: RunTokenVerifier;
}

async function isAuthenticated(
  accountId: string,
  headers: Headers,
  deps: GatewayAccessDependencies,
): Promise<boolean> {
  const presented = bearerToken(headers.get("cf-aig-authorization"));
  if (presented === null) return false;
  return tokensEqual(presented, await deps.adminToken()) || deps.runTokens.allows(accountId, presented);
}

/**
 * The gateway a provider-native request runs on, after the checks that come before any logging:
 * the account must be this deployment's, the gateway must exist (only `default` is created on first use,
 * and only by an authenticated request, as reference 4.3 says), and an authenticated gateway needs
 * `cf-aig-authorization: Bearer <token>` with the admin token or an API token with the `run` scope.
 * A caller without a valid token gets the same 401 for an unknown account or gateway as for an authenticated
 * gateway, so a stranger cannot tell which gateway ids exist; only an authenticated caller sees the 404.
 */
export async function resolveGatewayAccess(
  accountId: string,
  gatewayId: string,
  headers: Headers,
  deps: GatewayAccessDependencies,
): Promise<Gateway> {
  const existing = accountId === deps.accountId ? await deps.gateways.find(accountId, gatewayId) : undefined;
  if (existing && !existing.authentication) return existing;
  if (!(await isAuthenticated(deps.accountId, headers, deps))) throw GatewayError.unauthorized();
  if (existing) return existing;
  if (accountId !== deps.accountId)
    throw GatewayError.notFound(`Unknown account "${accountId.slice(0, 80)}"`);
  if (gatewayId !== DEFAULT_GATEWAY_ID) throw GatewayError.notFound(`Unknown gateway "${gatewayId}"`);
  return deps.gateways.createDefault(accountId, gatewayId);
}
