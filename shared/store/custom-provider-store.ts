import { randomUUID } from "node:crypto";
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { CustomProviderCreateInput, CustomProviderPatch } from "../schemas/custom-provider.ts";
import { conflict, isConditionFailure } from "./conflict-error.ts";
import { queryAllPages } from "./query-all-pages.ts";

export interface CustomProvider {
  id: string;
  account_id: string;
  slug: string;
  name: string;
  base_url: string;
  description: string | null;
  link: string | null;
  enable: boolean;
  beta: boolean;
  curl_example: string | null;
  js_example: string | null;
  logo: string;
  /** Unix seconds, as the reference gives them for custom providers. */
  created_at: number;
  modified_at: number;
}

export interface CustomProviderListQuery {
  page: number;
  per_page: number;
  /** A case-insensitive substring of the id, name or slug. */
  search?: string;
  enable?: boolean;
  beta?: boolean;
  /** "name ASC" (the default), or slug / created_at / modified_at with ASC or DESC. */
  order_by?: string;
}

const PROVIDER_PREFIX = "CUSTOM_PROVIDER#";
const SLUG_PREFIX = "CUSTOM_PROVIDER_SLUG#";
const accountKey = (accountId: string) => `ACCOUNT#${accountId}`;
const providerKey = (accountId: string, id: string) => ({
  pk: accountKey(accountId),
  sk: `${PROVIDER_PREFIX}${id}`,
});
const slugKey = (accountId: string, slug: string) => ({
  pk: accountKey(accountId),
  sk: `${SLUG_PREFIX}${slug}`,
});
/**
 * How long a slug claim without its provider counts as a create or rename still under way (its put follows
 * the claim within milliseconds); older, it was left by one that failed, and a new claim may take it over.
 */
const CLAIM_IN_FLIGHT_MS = 60_000;

const unixSeconds = () => Math.floor(Date.now() / 1000);

function toProvider(item: Record<string, unknown>): CustomProvider {
  const { pk, sk, ...provider } = item;
  return provider as unknown as CustomProvider;
}

function compareBy(orderBy: string): (a: CustomProvider, b: CustomProvider) => number {
  const [field = "name", direction = "ASC"] = orderBy.split(" ");
  const sign = direction.toUpperCase() === "DESC" ? -1 : 1;
  const key = field.toLowerCase() as "name" | "slug" | "created_at" | "modified_at";
  return (a, b) => {
    const left = a[key];
    const right = b[key];
    const order =
      typeof left === "number" ? left - (right as number) : String(left).localeCompare(String(right));
    return sign * order || a.id.localeCompare(b.id);
  };
}

/**
 * Custom providers in the config table: pk "ACCOUNT#{account}", sk "CUSTOM_PROVIDER#{id}", and beside
 * each a slug claim, sk "CUSTOM_PROVIDER_SLUG#{slug}" -> provider_id. The claim is written first with a
 * condition, which makes slugs unique per account without transactions (dynalite has none), and lets
 * the proxy find `/custom-{slug}/` with two GetItems. A claim left behind by a failed write is detected
 * (its provider is gone or has another slug) and taken over.
 */
export class CustomProviderStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(
    accountId: string,
    input: CustomProviderCreateInput & { logo: string },
  ): Promise<CustomProvider> {
    const now = unixSeconds();
    const provider: CustomProvider = {
      id: randomUUID(),
      account_id: accountId,
      slug: input.slug,
      name: input.name,
      base_url: input.base_url,
      description: input.description,
      link: input.link,
      enable: input.enable,
      beta: input.beta,
      curl_example: input.curl_example,
      js_example: input.js_example,
      logo: input.logo,
      created_at: now,
      modified_at: now,
    };
    await this.claimSlug(accountId, provider.slug, provider.id);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...providerKey(accountId, provider.id), ...provider },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      await this.releaseSlug(accountId, provider.slug, provider.id);
      throw error;
    }
    return provider;
  }

  async list(
    accountId: string,
    query: CustomProviderListQuery,
  ): Promise<{ items: CustomProvider[]; total: number }> {
    const needle = query.search?.toLowerCase();
    const matching = (await this.queryProviders(accountId)).filter(
      (provider) =>
        (query.enable === undefined || provider.enable === query.enable) &&
        (query.beta === undefined || provider.beta === query.beta) &&
        (!needle ||
          [provider.id, provider.name, provider.slug].some((value) => value.toLowerCase().includes(needle))),
    );
    matching.sort(compareBy(query.order_by ?? "name ASC"));
    const start = (query.page - 1) * query.per_page;
    return { items: matching.slice(start, start + query.per_page), total: matching.length };
  }

  async get(accountId: string, id: string): Promise<CustomProvider | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: providerKey(accountId, id), ConsistentRead: true }),
    );
    return Item ? toProvider(Item) : undefined;
  }

  /** Changes the given fields; a new slug is claimed before and the old one released after. */
  async update(
    accountId: string,
    id: string,
    patch: CustomProviderPatch & { logo?: string },
  ): Promise<CustomProvider | undefined> {
    const existing = await this.get(accountId, id);
    if (!existing) return undefined;
    const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    const updated: CustomProvider = { ...existing, ...changes, modified_at: unixSeconds() };
    const slugChanged = updated.slug !== existing.slug;
    if (slugChanged) await this.claimSlug(accountId, updated.slug, id);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...providerKey(accountId, id), ...updated },
          ConditionExpression: "attribute_exists(pk)",
        }),
      );
    } catch (error) {
      if (slugChanged) await this.releaseSlug(accountId, updated.slug, id);
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
    if (slugChanged) await this.releaseSlug(accountId, existing.slug, id);
    return updated;
  }

  async delete(accountId: string, id: string): Promise<CustomProvider | undefined> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: providerKey(accountId, id),
        ReturnValues: "ALL_OLD",
      }),
    );
    if (!Attributes) return undefined;
    const deleted = toProvider(Attributes);
    await this.releaseSlug(accountId, deleted.slug, id);
    return deleted;
  }

  /** The proxy routes `/custom-{slug}/` with this. */
  async findBySlug(accountId: string, slug: string): Promise<CustomProvider | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: slugKey(accountId, slug), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const provider = await this.get(accountId, Item.provider_id as string);
    // A claim whose provider moved to another slug (or is gone) does not count.
    return provider?.slug === slug ? provider : undefined;
  }

  private async claimSlug(accountId: string, slug: string, id: string): Promise<void> {
    try {
      await this.putClaim(accountId, slug, id, "attribute_not_exists(pk)");
      return;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: slugKey(accountId, slug), ConsistentRead: true }),
    );
    const holder = Item ? await this.get(accountId, Item.provider_id as string) : undefined;
    if (holder?.slug === slug) throw conflict(`A custom provider with slug "${slug}" already exists`);
    // A claim whose provider is not there yet may be a concurrent create between its claim and its put.
    if (typeof Item?.claimed_at === "number" && Date.now() - Item.claimed_at < CLAIM_IN_FLIGHT_MS)
      throw conflict(`A custom provider with slug "${slug}" already exists`);
    // A stale claim (a create or rename that failed after claiming): take it over, unless someone else just did.
    try {
      await this.putClaim(
        accountId,
        slug,
        id,
        "attribute_not_exists(pk) OR provider_id = :stale",
        Item?.provider_id,
      );
    } catch (error) {
      if (isConditionFailure(error)) throw conflict(`A custom provider with slug "${slug}" already exists`);
      throw error;
    }
  }

  private async putClaim(accountId: string, slug: string, id: string, condition: string, stale?: unknown) {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...slugKey(accountId, slug), provider_id: id, claimed_at: Date.now() },
        ConditionExpression: condition,
        ...(stale === undefined ? {} : { ExpressionAttributeValues: { ":stale": stale } }),
      }),
    );
  }

  /** Removes a claim if it is still this provider's. */
  private async releaseSlug(accountId: string, slug: string, id: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: slugKey(accountId, slug),
          ConditionExpression: "provider_id = :id",
          ExpressionAttributeValues: { ":id": id },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private async queryProviders(accountId: string): Promise<CustomProvider[]> {
    const items = await queryAllPages(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": accountKey(accountId), ":prefix": PROVIDER_PREFIX },
      ConsistentRead: true,
    });
    return items.map(toProvider);
  }
}
