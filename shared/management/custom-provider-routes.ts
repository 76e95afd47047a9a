import {
  customProviderCreateInputSchema,
  customProviderListQuerySchema,
  customProviderPatchInputSchema,
  UNSUPPORTED_CUSTOM_PROVIDER_FIELDS,
} from "../schemas/custom-provider.ts";
import { conflict } from "../store/conflict-error.ts";
import type { CustomProvider } from "../store/custom-provider-store.ts";
import { envelope, pagedEnvelope } from "./envelope.ts";
import { notFound, uuidParam } from "./path-params.ts";
import { providerLogo } from "./provider-logo.ts";
import { parseInput, queryObject, readJsonObject } from "./request-input.ts";
import type { RouteContext } from "./route-types.ts";

/** Reference 2 lists `account_tag` beside `account_id`; an AWS account has one id, so both carry it. */
export function renderCustomProvider(provider: CustomProvider) {
  return { ...provider, account_tag: provider.account_id };
}

const providerIdParam = (context: RouteContext) => uuidParam(context, "provider_id", "custom provider");

export async function createCustomProvider(context: RouteContext): Promise<Response> {
  const input = parseInput(customProviderCreateInputSchema, await readJsonObject(context.request), {
    unsupported: UNSUPPORTED_CUSTOM_PROVIDER_FIELDS,
  });
  const provider = await context.deps.customProviders.create(context.accountId, {
    ...input,
    logo: providerLogo(input.name),
  });
  return envelope(renderCustomProvider(provider));
}

export async function listCustomProviders(context: RouteContext): Promise<Response> {
  const query = parseInput(customProviderListQuerySchema, queryObject(context.url), { source: "query" });
  const { items, total } = await context.deps.customProviders.list(context.accountId, query);
  return pagedEnvelope(items.map(renderCustomProvider), query.page, query.per_page, total);
}

export async function getCustomProvider(context: RouteContext): Promise<Response> {
  const id = providerIdParam(context);
  const provider = await context.deps.customProviders.get(context.accountId, id);
  if (!provider) throw notFound("custom provider", id);
  return envelope(renderCustomProvider(provider));
}

/** Stored keys named `custom-{slug}`, in every gateway of the account. */
async function keysOf(context: RouteContext, slug: string) {
  const keys = context.deps.providerKeys;
  return keys ? keys.listForProvider(context.accountId, `custom-${slug}`) : [];
}

/**
 * A slug change would leave stored keys pointing at a provider name that no longer exists, or worse,
 * hand them to a provider that takes the old slug later: it is refused while keys use the slug.
 */
export async function updateCustomProvider(context: RouteContext): Promise<Response> {
  const id = providerIdParam(context);
  const patch = parseInput(customProviderPatchInputSchema, await readJsonObject(context.request), {
    unsupported: UNSUPPORTED_CUSTOM_PROVIDER_FIELDS,
  });
  const existing = await context.deps.customProviders.get(context.accountId, id);
  if (!existing) throw notFound("custom provider", id);
  if (patch.slug !== undefined && patch.slug !== existing.slug) {
    const keys = await keysOf(context, existing.slug);
    if (keys.length > 0) {
      throw conflict(
        `slug: cannot change while ${keys.length} stored provider key(s) use custom-${existing.slug}; delete them first`,
      );
    }
  }
  const updated = await context.deps.customProviders.update(context.accountId, id, {
    ...patch,
    ...(patch.name !== undefined ? { logo: providerLogo(patch.name) } : {}),
  });
  if (!updated) throw notFound("custom provider", id);
  return envelope(renderCustomProvider(updated));
}

/**
 * Deletes the provider's stored keys first (so a later provider that takes the slug never receives
 * them), then the provider; a failure half-way leaves the provider in place and the DELETE repeatable.
 */
export async function deleteCustomProvider(context: RouteContext): Promise<Response> {
  const id = providerIdParam(context);
  const existing = await context.deps.customProviders.get(context.accountId, id);
  if (!existing) throw notFound("custom provider", id);
  await context.deps.providerKeys?.deleteAllForProvider(context.accountId, `custom-${existing.slug}`);
  const deleted = await context.deps.customProviders.delete(context.accountId, id);
  if (!deleted) throw notFound("custom provider", id);
  return envelope(renderCustomProvider(deleted));
}
