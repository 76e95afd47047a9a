import { bearerToken, tokensEqual } from "../core/bearer-token.ts";
import type { GatewayAccessDependencies } from "../core/gateway-access.ts";
import { GatewayError } from "../core/gateway-error.ts";
import { DEFAULT_GATEWAY_ID, type Gateway } from "../schemas/gateway.ts";

/**
 * The REST surface (`/client/v4/accounts/{account}/ai/v1/...`, reference 1.3): the caller authenticates
 * with `Authorization: Bearer <API token with the run scope, or the admin token>` (or `x-api-key`), whatever the gateway's
 * own authentication setting; the gateway is `cf-aig-gateway-id` (`default`, created on first use).
 */
export async function resolveRestGatewayAccess(
  accountId: string,
  gatewayId: string,
  headers: Headers,
  deps: GatewayAccessDependencies,
): Promise<Gateway> {
  if (accountId !== deps.accountId)
    throw GatewayError.notFound(`Unknown account "${accountId.slice(0, 80)}"`);
  // The Anthropic SDK sends its key as x-api-key; the OpenAI SDK as Authorization: Bearer.
  const presented = bearerToken(headers.get("authorization")) ?? headers.get("x-api-key");
  const allowed =
    presented !== null &&
    (tokensEqual(presented, await deps.adminToken()) || (await deps.runTokens.allows(accountId, presented)));
  if (!allowed) throw GatewayError.unauthorized();
  const existing = await deps.gateways.find(accountId, gatewayId);
  if (existing) return existing;
  if (gatewayId !== DEFAULT_GATEWAY_ID) throw GatewayError.notFound(`Unknown gateway "${gatewayId}"`);
  return deps.gateways.createDefault(accountId, gatewayId);
}
