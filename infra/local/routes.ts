/**
 * The REST API's routes as the CDK stack declares them (infra/aws), for the local front: which Lambda a
 * path goes to, and the `resource` and `pathParameters` API Gateway puts in the event.
 */
export type LambdaTarget = "proxy" | "api";

export interface RouteDefinition {
  resource: string;
  pattern: RegExp;
  parameterNames: string[];
  target: LambdaTarget;
}

/** Exported for the test that holds it equal to the CDK stack's resources (test/infra/local-routes.test.ts). */
export const ROUTES: readonly RouteDefinition[] = [
  // The web console: its page at the root and its files under /console/ (both served by the api Lambda).
  { resource: "/", pattern: /^\/$/, parameterNames: [], target: "api" },
  { resource: "/console/{proxy+}", pattern: /^\/console\/(.+)$/, parameterNames: ["proxy"], target: "api" },
  { resource: "/v1/{proxy+}", pattern: /^\/v1\/(.+)$/, parameterNames: ["proxy"], target: "proxy" },
  {
    resource: "/client/v4/accounts/{account_id}/ai/{proxy+}",
    pattern: /^\/client\/v4\/accounts\/([^/]+)\/ai\/(.+)$/,
    parameterNames: ["account_id", "proxy"],
    target: "proxy",
  },
  {
    resource: "/client/v4/accounts/{account_id}/ai-gateway/{proxy+}",
    pattern: /^\/client\/v4\/accounts\/([^/]+)\/ai-gateway\/(.+)$/,
    parameterNames: ["account_id", "proxy"],
    target: "api",
  },
  // Cloudflare's DLP profiles API (the management API serves it: shared/management/dlp-profile-routes.ts).
  {
    resource: "/client/v4/accounts/{account_id}/dlp/{proxy+}",
    pattern: /^\/client\/v4\/accounts\/([^/]+)\/dlp\/(.+)$/,
    parameterNames: ["account_id", "proxy"],
    target: "api",
  },
  // The OpenAPI document (GET only on AWS: the stack declares no other method there).
  {
    resource: "/client/v4/openapi.json",
    pattern: /^\/client\/v4\/openapi\.json$/,
    parameterNames: [],
    target: "api",
  },
];

export interface MatchedRoute {
  resource: string;
  pathParameters: Record<string, string>;
  target: LambdaTarget;
}

export function matchRoute(pathname: string): MatchedRoute | undefined {
  for (const route of ROUTES) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    const pathParameters: Record<string, string> = {};
    route.parameterNames.forEach((name, index) => {
      pathParameters[name] = match[index + 1] ?? "";
    });
    return { resource: route.resource, pathParameters, target: route.target };
  }
  return undefined;
}
