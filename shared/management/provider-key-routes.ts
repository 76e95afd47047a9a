import { z } from "zod";
import { GatewayError } from "../core/gateway-error.ts";
import { providerKeyCreateInputSchema, UNSUPPORTED_PROVIDER_KEY_FIELDS } from "../schemas/provider-key.ts";
import type { ProviderKey, ProviderKeyStore } from "../store/provider-key-store.ts";
import { envelope, pagedEnvelope } from "./envelope.ts";
import { requireGateway } from "./gateway-lookup.ts";
import { notConfigured } from "./management-errors.ts";
import { notFound, uuidParam } from "./path-params.ts";
import { parseInput, queryObject, readJsonObject } from "./request-input.ts";
import type { RouteContext } from "./route-types.ts";

export const listQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(50).default(20),
});

/**
 * A key as Cloudflare's SDK expects it (ProviderConfigCreateResponse): never the secret, only its
 * preview. There is no Secrets Store here, so `secret_id` is the key's own id; `default_config` is true
 * for the alias "default", the key a request without `cf-aig-byok-alias` uses.
 */
export function renderProviderKey(key: ProviderKey) {
  return { ...key, secret_id: key.id, default_config: key.alias === "default" };
}

function store(context: RouteContext): ProviderKeyStore {
  if (!context.deps.providerKeys) {
    throw notConfigured(
      "Stored provider keys are not configured on this deployment: set PROVIDER_KEYS_KMS_KEY_ID (AWS) or PROVIDER_KEYS_MASTER_KEY_FILE (local)",
    );
  }
  return context.deps.providerKeys;
}

/**
 * Reference 8.2: stored keys require an authenticated gateway (otherwise anyone who knows the URL could
 * spend them). A key for a custom provider needs that provider to exist.
 */
export async function createProviderKey(context: RouteContext): Promise<Response> {
  const keys = store(context);
  const gateway = await requireGateway(context);
  const input = parseInput(providerKeyCreateInputSchema, await readJsonObject(context.request), {
    unsupported: UNSUPPORTED_PROVIDER_KEY_FIELDS,
  });
  if (!gateway.authentication) {
    throw GatewayError.badRequest(
      `Gateway "${gateway.id}" does not require authentication: stored provider keys need an authenticated gateway (set authentication: true first)`,
    );
  }
  if (input.provider_slug.startsWith("custom-")) {
    const slug = input.provider_slug.slice("custom-".length);
    if (!(await context.deps.customProviders.findBySlug(context.accountId, slug))) {
      throw GatewayError.badRequest(`provider_slug: no custom provider with slug "${slug}"`);
    }
  }
  const key = await keys.create(context.accountId, gateway.id, {
    provider_slug: input.provider_slug,
    alias: input.alias,
    secret: input.secret,
  });
  return envelope(renderProviderKey(key));
}

export async function listProviderKeys(context: RouteContext): Promise<Response> {
  const keys = store(context);
  const gateway = await requireGateway(context);
  const query = parseInput(listQuerySchema, queryObject(context.url), { source: "query" });
  const all = await keys.list(context.accountId, gateway.id);
  const start = (query.page - 1) * query.per_page;
  const page = all.slice(start, start + query.per_page).map(renderProviderKey);
  return pagedEnvelope(page, query.page, query.per_page, all.length);
}

export async function deleteProviderKey(context: RouteContext): Promise<Response> {
  const keys = store(context);
  const gateway = await requireGateway(context);
  const id = uuidParam(context, "config_id", "provider config");
  const deleted = await keys.delete(context.accountId, gateway.id, id);
  if (!deleted) throw notFound("provider config", id);
  return envelope(renderProviderKey(deleted));
}
