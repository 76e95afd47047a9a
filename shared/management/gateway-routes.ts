import { z } from "zod";
import { GatewayError } from "../core/gateway-error.ts";
import { DEFAULT_GATEWAY_ID, type Gateway } from "../schemas/gateway.ts";
import {
  applyGatewayInput,
  gatewayCreateInputSchema,
  gatewayUpdateInputSchema,
} from "../schemas/gateway-input.ts";
import { redactOtelHeaders } from "../schemas/otel-exporters.ts";
import { requireKnownDlpProfiles } from "./dlp-profile-check.ts";
import { envelope, pagedEnvelope } from "./envelope.ts";
import { requireGateway } from "./gateway-lookup.ts";
import { gatewayIdParam, notFound } from "./path-params.ts";
import { parseInput, queryObject, readJsonObject } from "./request-input.ts";
import type { RouteContext } from "./route-types.ts";

/**
 * Reference 4.2: `is_default` is read-only, true only for the gateway whose id is "default". Our extension
 * `cors_allowed_origins` is always shown, empty when off, so a client can find the setting.
 */
export function renderGateway(gateway: Gateway): Gateway & { is_default: boolean } {
  // The cache generation is internal bookkeeping (docs/caching.md), not a setting a client round-trips.
  const { cache_generation: _generation, ...rest } = gateway;
  return {
    ...rest,
    cors_allowed_origins: gateway.cors_allowed_origins ?? [],
    // Header values are credentials: shown as a placeholder that a PUT may send back (otel-exporters.ts).
    ...(gateway.otel === undefined ? {} : { otel: redactOtelHeaders(gateway.otel) }),
    is_default: gateway.id === DEFAULT_GATEWAY_ID,
  };
}

export const listQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(50).default(20),
  search: z.string().max(64).optional(),
});

const now = (context: RouteContext) => new Date(context.deps.clock?.now() ?? Date.now());

export async function createGateway(context: RouteContext): Promise<Response> {
  const input = parseInput(gatewayCreateInputSchema, await readJsonObject(context.request));
  await requireKnownDlpProfiles(context, input.dlp);
  const gateway = applyGatewayInput(input.id, input, undefined, now(context));
  return envelope(renderGateway(await context.deps.gateways.create(context.accountId, gateway)));
}

export async function listGateways(context: RouteContext): Promise<Response> {
  const query = parseInput(listQuerySchema, queryObject(context.url), { source: "query" });
  const { items, total } = await context.deps.gateways.list(context.accountId, query);
  return pagedEnvelope(items.map(renderGateway), query.page, query.per_page, total);
}

export async function getGateway(context: RouteContext): Promise<Response> {
  return envelope(renderGateway(await requireGateway(context)));
}

/**
 * PUT replaces the five required fields and the optional fields it names; optional fields left out keep
 * their values (gateway-input.ts says why). Stored provider keys need an authenticated gateway
 * (reference 8.2), so authentication cannot be turned off while the gateway holds any.
 */
export async function updateGateway(context: RouteContext): Promise<Response> {
  const id = gatewayIdParam(context);
  const input = parseInput(gatewayUpdateInputSchema, await readJsonObject(context.request));
  if (input.id !== undefined && input.id !== id) {
    throw GatewayError.badRequest(
      `id: "${input.id}" does not match the gateway in the path; ids cannot change`,
    );
  }
  await requireKnownDlpProfiles(context, input.dlp);
  const existing = await requireGateway(context);
  const updated = applyGatewayInput(id, input, existing, now(context));
  // cache_invalidate_on_update empties the cache by moving the gateway to a new cache generation: every
  // key changes, old entries become unreachable and expire by TTL (docs/caching.md). No item is deleted.
  const generation = (existing.cache_generation ?? 0) + (updated.cache_invalidate_on_update ? 1 : 0);
  if (generation > 0) updated.cache_generation = generation;
  if (existing.authentication && !updated.authentication && context.deps.providerKeys) {
    const keys = await context.deps.providerKeys.list(context.accountId, id);
    if (keys.length > 0) {
      throw GatewayError.badRequest(
        `authentication: cannot be turned off while the gateway holds ${keys.length} stored provider key(s); delete them first`,
      );
    }
  }
  const stored = await context.deps.gateways.put(context.accountId, updated);
  if (!stored) throw notFound("gateway", id);
  return envelope(renderGateway(stored));
}

/**
 * Deletes the gateway's stored provider keys and dynamic routes first, then the gateway: if anything
 * fails half-way the gateway is still there and the DELETE can simply be repeated, and a gateway
 * re-created with the same id never inherits old keys or routes. Reference 4.3: deleting `default` is
 * allowed; the proxy re-creates it on the next authenticated request. Its logs are kept: deleting them
 * is not implemented yet (docs/management-api.md).
 */
export async function deleteGateway(context: RouteContext): Promise<Response> {
  const id = gatewayIdParam(context);
  const existing = await context.deps.gateways.get(context.accountId, id);
  if (!existing) throw notFound("gateway", id);
  await context.deps.providerKeys?.deleteAllForGateway(context.accountId, id);
  // Routes are keyed by the gateway's created_at too, so a re-created gateway never sees old ones even
  // if this is cut short; deleting them here keeps the table from collecting them.
  await context.deps.routes.deleteAllForGateway({
    accountId: context.accountId,
    gatewayId: id,
    gatewayCreatedAt: existing.created_at,
  });
  const deleted = await context.deps.gateways.delete(context.accountId, id);
  if (!deleted) throw notFound("gateway", id);
  return envelope(renderGateway(deleted));
}
