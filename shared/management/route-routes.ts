import { z } from "zod";
import { validateRouteElements } from "../routing/route-graph.ts";
import {
  routeCreateInputSchema,
  routeDeploymentInputSchema,
  routeUpdateInputSchema,
  routeVersionInputSchema,
} from "../schemas/route-input.ts";
import type { RouteDeployment, RouteScope, RouteVersion, StoredRoute } from "../store/route-store.ts";
import { envelope } from "./envelope.ts";
import { requireGateway } from "./gateway-lookup.ts";
import { notFound, uuidParam } from "./path-params.ts";
import { parseInput, queryObject, readJsonObject } from "./request-input.ts";
import type { RouteContext } from "./route-types.ts";

/**
 * Dynamic routes (reference 5.3), at the paths and in the shapes of Cloudflare's SDK
 * (`client.aiGateway.dynamicRouting`): `/gateways/{g}/routes[/{id}[/versions[/{vid}]|/deployments]]`.
 * docs/management-api.md describes each response, and where the SDK's shapes differ from the envelope.
 */

export const listQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(50).default(20),
});

const now = (context: RouteContext) => new Date(context.deps.clock?.now() ?? Date.now());
const routeIdParam = (context: RouteContext) => uuidParam(context, "route_id", "route");

/** The gateway (404 if unknown) and the scope of its routes: this incarnation of it. */
async function scopeOf(context: RouteContext): Promise<RouteScope> {
  const gateway = await requireGateway(context);
  return { accountId: context.accountId, gatewayId: gateway.id, gatewayCreatedAt: gateway.created_at };
}

async function requireRoute(context: RouteContext, scope: RouteScope): Promise<StoredRoute> {
  const id = routeIdParam(context);
  const route = await context.deps.routes.get(scope, id);
  if (!route) throw notFound("route", id);
  return route;
}

/**
 * The SDK's route object. `elements` and `version` are the live version's; `version.data` is that
 * version's elements as JSON text (the SDK types it as a string and the reference does not say more).
 */
function renderRoute(context: RouteContext, route: StoredRoute) {
  return {
    id: route.id,
    account_tag: context.accountId,
    gateway_id: route.gateway_id,
    name: route.name,
    elements: route.deployed_elements,
    created_at: route.created_at,
    modified_at: route.modified_at,
    deployment: renderDeployment(route.deployment),
    version: {
      version_id: route.deployed_version.version_id,
      active: "true",
      data: JSON.stringify(route.deployed_elements),
      created_at: route.deployed_version.created_at,
      comment: route.deployed_version.comment,
    },
  };
}

function renderDeployment(deployment: RouteDeployment) {
  return {
    deployment_id: deployment.deployment_id,
    version_id: deployment.version_id,
    created_at: deployment.created_at,
    comment: deployment.comment,
  };
}

/** `active` is "true" for the live version only (the SDK types it as a string). */
function renderVersionSummary(route: StoredRoute, version: RouteVersion) {
  return {
    version_id: version.version_id,
    active: version.version_id === route.deployment.version_id ? "true" : "false",
    data: JSON.stringify(version.elements),
    created_at: version.created_at,
    comment: version.comment,
  };
}

/** The SDK's DynamicRoutingGetVersionResponse: the route's identity with the version's fields. */
function renderVersion(route: StoredRoute, version: RouteVersion) {
  return {
    id: route.id,
    gateway_id: route.gateway_id,
    name: route.name,
    modified_at: route.modified_at,
    ...renderVersionSummary(route, version),
    elements: version.elements,
  };
}

function pagedList<Item>(
  context: RouteContext,
  field: "routes" | "versions" | "deployments",
  all: Item[],
  direction: "ASC" | "DESC",
): Response {
  const query = parseInput(listQuerySchema, queryObject(context.url), { source: "query" });
  const start = (query.page - 1) * query.per_page;
  const items = all.slice(start, start + query.per_page);
  // Cloudflare's SDK reads the list routes' `data` from the raw body (it does not unwrap `result` for them).
  return envelope(
    items,
    {
      page: query.page,
      per_page: query.per_page,
      count: items.length,
      total_count: all.length,
      total_pages: Math.ceil(all.length / query.per_page),
    },
    200,
    {
      data: {
        [field]: items,
        page: query.page,
        per_page: query.per_page,
        order_by: "created_at",
        order_by_direction: direction,
      },
    },
  );
}

/** Creates the route and its first version, deployed: a route serves traffic from its creation. */
export async function createRoute(context: RouteContext): Promise<Response> {
  const scope = await scopeOf(context);
  const input = parseInput(routeCreateInputSchema, await readJsonObject(context.request));
  const elements = validateRouteElements(input.elements);
  const { route } = await context.deps.routes.create(scope, {
    name: input.name,
    elements,
    now: now(context),
  });
  return envelope(renderRoute(context, route));
}

/** Oldest first, so pages stay put while routes are added. */
export async function listRoutes(context: RouteContext): Promise<Response> {
  const scope = await scopeOf(context);
  const routes = await context.deps.routes.list(scope);
  return pagedList(
    context,
    "routes",
    routes.map((route) => renderRoute(context, route)),
    "ASC",
  );
}

export async function getRoute(context: RouteContext): Promise<Response> {
  const scope = await scopeOf(context);
  return envelope(renderRoute(context, await requireRoute(context, scope)));
}

/** Renames a route (SDK `update`); routing behaviour changes only through versions and deployments. */
export async function updateRoute(context: RouteContext): Promise<Response> {
  const scope = await scopeOf(context);
  const id = routeIdParam(context);
  const input = parseInput(routeUpdateInputSchema, await readJsonObject(context.request));
  const updated = await context.deps.routes.rename(scope, id, input.name, now(context));
  if (!updated) throw notFound("route", id);
  const route = renderRoute(context, updated);
  // The SDK reads the PATCH's `route` from the raw body; other clients read `result`.
  return envelope(route, undefined, 200, { route });
}

export async function deleteRoute(context: RouteContext): Promise<Response> {
  const scope = await scopeOf(context);
  const id = routeIdParam(context);
  const deleted = await context.deps.routes.delete(scope, id);
  if (!deleted) throw notFound("route", id);
  return envelope(renderRoute(context, deleted));
}

/** Saves a new version; it serves no traffic until a deployment names it. */
export async function createRouteVersion(context: RouteContext): Promise<Response> {
  const scope = await scopeOf(context);
  const id = routeIdParam(context);
  const input = parseInput(routeVersionInputSchema, await readJsonObject(context.request));
  const elements = validateRouteElements(input.elements);
  const version = await context.deps.routes.createVersion(scope, id, {
    elements,
    comment: input.comment ?? null,
    now: now(context),
  });
  if (!version) throw notFound("route", id);
  const route = await requireRoute(context, scope);
  return envelope(renderVersion(route, version));
}

/** Newest first. */
export async function listRouteVersions(context: RouteContext): Promise<Response> {
  const scope = await scopeOf(context);
  const route = await requireRoute(context, scope);
  const versions = await context.deps.routes.listVersions(scope, route.id);
  return pagedList(
    context,
    "versions",
    versions.map((version) => renderVersionSummary(route, version)),
    "DESC",
  );
}

export async function getRouteVersion(context: RouteContext): Promise<Response> {
  const scope = await scopeOf(context);
  const route = await requireRoute(context, scope);
  const versionId = uuidParam(context, "version_id", "version");
  const version = await context.deps.routes.getVersion(scope, route.id, versionId);
  if (!version) throw notFound("version", versionId);
  return envelope(renderVersion(route, version));
}

/**
 * Deploys a version (an earlier one rolls back). The proxy picks it up within CONFIG_CACHE_TTL_MS, the
 * lifetime of its route cache. Answers the route as it is afterwards.
 */
export async function createRouteDeployment(context: RouteContext): Promise<Response> {
  const scope = await scopeOf(context);
  const id = routeIdParam(context);
  const input = parseInput(routeDeploymentInputSchema, await readJsonObject(context.request));
  const deployed = await context.deps.routes.deploy(scope, id, {
    versionId: input.version_id.toLowerCase(),
    comment: input.comment ?? null,
    now: now(context),
  });
  if (!deployed) throw notFound("route", id);
  return envelope(renderRoute(context, deployed.route));
}

/** Newest (the live one) first. */
export async function listRouteDeployments(context: RouteContext): Promise<Response> {
  const scope = await scopeOf(context);
  const route = await requireRoute(context, scope);
  const deployments = await context.deps.routes.listDeployments(scope, route.id);
  return pagedList(context, "deployments", deployments.map(renderDeployment), "DESC");
}
