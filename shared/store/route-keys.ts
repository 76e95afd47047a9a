/**
 * The gateway a route belongs to, and which incarnation of it: a gateway deleted and re-created with the
 * same id has a new created_at, so it starts with no routes (the keys below include it).
 */
export interface RouteScope {
  accountId: string;
  gatewayId: string;
  gatewayCreatedAt: string;
}

/**
 * Keys of the route items in the config table, all under pk "ACCOUNT#{account}":
 * - the route, sk "ROUTE#{gateway}@{gateway created_at}#{route id}";
 * - its name claim, sk "ROUTE_NAME#{gateway}@{created_at}#{name}";
 * - each version, sk "ROUTE_VERSION#...#{route id}#{version id}";
 * - each deployment, sk "ROUTE_DEPLOYMENT#...#{route id}#{sequence}".
 */
export const accountKey = (accountId: string) => `ACCOUNT#${accountId}`;

/** Gateway ids have no "#" or "@", route names no "#": these prefixes cannot overlap. */
const scopeOf = (scope: RouteScope) => `${scope.gatewayId}@${scope.gatewayCreatedAt}`;

export const routePrefix = (scope: RouteScope) => `ROUTE#${scopeOf(scope)}#`;
const namePrefix = (scope: RouteScope) => `ROUTE_NAME#${scopeOf(scope)}#`;
export const versionPrefix = (scope: RouteScope, routeId: string) =>
  `ROUTE_VERSION#${scopeOf(scope)}#${routeId}#`;
export const deploymentPrefix = (scope: RouteScope, routeId: string) =>
  `ROUTE_DEPLOYMENT#${scopeOf(scope)}#${routeId}#`;

/** Zero-padded so the sort key orders deployments by sequence. */
const sequenceKey = (sequence: number) => String(sequence).padStart(10, "0");

export const routeKey = (scope: RouteScope, routeId: string) => ({
  pk: accountKey(scope.accountId),
  sk: `${routePrefix(scope)}${routeId}`,
});

export const nameClaimKey = (scope: RouteScope, name: string) => ({
  pk: accountKey(scope.accountId),
  sk: `${namePrefix(scope)}${name}`,
});

export const versionKey = (scope: RouteScope, routeId: string, versionId: string) => ({
  pk: accountKey(scope.accountId),
  sk: `${versionPrefix(scope, routeId)}${versionId}`,
});

export const deploymentKey = (scope: RouteScope, routeId: string, sequence: number) => ({
  pk: accountKey(scope.accountId),
  sk: `${deploymentPrefix(scope, routeId)}${sequenceKey(sequence)}`,
});
