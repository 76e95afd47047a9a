import { DEFAULT_GATEWAY_ID, defaultGateway, type Gateway } from "../schemas/gateway.ts";
import { gatewayIdParam, notFound } from "./path-params.ts";
import type { RouteContext } from "./route-types.ts";

/**
 * The gateway a route addresses. Reference 4.3: `default` is created, with its defaults, by the first
 * authenticated request that needs it, and a management request is authenticated too; so reading or
 * configuring `default` (its settings, keys or logs) works on a fresh deployment before any traffic.
 * Other ids must have been created. Deleting never creates.
 */
export async function requireGateway(context: RouteContext): Promise<Gateway> {
  const id = gatewayIdParam(context);
  const found = await context.deps.gateways.get(context.accountId, id);
  if (found) return found;
  if (id !== DEFAULT_GATEWAY_ID) throw notFound("gateway", id);
  const now = new Date(context.deps.clock?.now() ?? Date.now());
  return context.deps.gateways.createIfAbsent(context.accountId, defaultGateway(id, now));
}
