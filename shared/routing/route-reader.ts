import type { RouteElement } from "./route-schema.ts";

/** The live version of a route: the one its latest deployment made live (docs/dynamic-routes.md). */
export interface DeployedRoute {
  routeId: string;
  name: string;
  versionId: string;
  elements: RouteElement[];
}

/**
 * What the engine needs of route storage: the deployed version of a route, by the name a request gives
 * in `model: "dynamic/<name>"`. Null when the gateway has no such route or it was never deployed.
 * Implemented over DynamoDB by shared/store/route-store.ts.
 */
export interface RouteReader {
  getDeployedRoute(accountId: string, gatewayId: string, name: string): Promise<DeployedRoute | null>;
}
