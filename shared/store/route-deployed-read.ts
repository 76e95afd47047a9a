import type { DeployedRoute, RouteReader } from "../routing/route-reader.ts";
import type { Gateway } from "../schemas/gateway.ts";
import type { RouteNameClaims } from "./route-name-claims.ts";
import type { RouteRecords } from "./route-records.ts";

export type GatewayLookup = (accountId: string, gatewayId: string) => Promise<Gateway | undefined>;

/** The proxy's read of a route: by the name in `model: "dynamic/<name>"`, its live version. */
export class DeployedRouteRead implements RouteReader {
  constructor(
    private readonly findGateway: GatewayLookup,
    private readonly claims: RouteNameClaims,
    private readonly records: RouteRecords,
  ) {}

  /**
   * The live version of the route with this name on the gateway as it exists now, or null. Reads the
   * gateway (its incarnation), the name claim and the route; the proxy caches the answer for
   * CONFIG_CACHE_TTL_MS.
   */
  async getDeployedRoute(accountId: string, gatewayId: string, name: string): Promise<DeployedRoute | null> {
    const gateway = await this.findGateway(accountId, gatewayId);
    if (!gateway) return null;
    const scope = { accountId, gatewayId, gatewayCreatedAt: gateway.created_at };
    const claim = await this.claims.read(scope, name);
    if (!claim) return null;
    const route = await this.records.get(scope, claim.routeId);
    // A claim whose route was renamed or deleted does not count.
    if (route?.name !== name) return null;
    return {
      routeId: route.id,
      name: route.name,
      versionId: route.deployment.version_id,
      elements: route.deployed_elements,
    };
  }
}
