import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";
import type { Gateway } from "../schemas/gateway.ts";
import type { DeployedRoute, RouteReader } from "./route-reader.ts";

/** Reference 5.3: a request names a route as `model: "dynamic/<route-name>"`. */
export const DYNAMIC_MODEL_PREFIX = "dynamic/";

/** The route name a model value names, or null when it names an ordinary `{provider}/{model}`. */
export function dynamicRouteName(model: unknown): string | null {
  if (typeof model !== "string" || !model.startsWith(DYNAMIC_MODEL_PREFIX)) return null;
  return model.slice(DYNAMIC_MODEL_PREFIX.length);
}

/**
 * The deployed route a request names, or the error the caller sees (in its own dialect, by the caller):
 * dynamic routes need an authenticated gateway on the compat surface (reference 5.3: a route spends the
 * gateway's stored keys, so anonymous callers must not reach it; the REST surface always authenticates),
 * and an unknown or never-deployed route is a 404 naming it.
 */
export async function loadDynamicRoute(
  name: string,
  routes: RouteReader | undefined,
  accountId: string,
  gateway: Gateway,
  surface: "compat" | "rest",
): Promise<DeployedRoute> {
  if (name === "")
    throw GatewayError.badRequest('Model "dynamic/" names no route: use "dynamic/<route-name>"');
  if (surface === "compat" && !gateway.authentication) {
    throw new GatewayError({
      status: 403,
      code: ERROR_CODES.unauthorized,
      message: `Dynamic routes need an authenticated gateway: turn on authentication for gateway "${gateway.id}"`,
    });
  }
  const route = routes ? await routes.getDeployedRoute(accountId, gateway.id, name) : null;
  if (!route) {
    throw GatewayError.notFound(
      `No deployed route "${name.slice(0, 120)}" on gateway "${gateway.id}": create the route and deploy a version`,
    );
  }
  return route;
}
