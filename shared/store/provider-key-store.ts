import { randomUUID } from "node:crypto";
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { GatewayError } from "../core/gateway-error.ts";
import { parseServiceAccount, serviceAccountProblems } from "../providers/google-service-account.ts";
import { findProvider } from "../providers/registry.ts";
import { bedrockSecretSchema, DEFAULT_PROVIDER_KEY_ALIAS } from "../schemas/provider-key.ts";
import type { SealedSecret, SecretBox } from "../security/secret-box.ts";
import { secretPreview } from "../security/secret-preview.ts";
import { conflict, isConditionFailure } from "./conflict-error.ts";
import { queryAllPages } from "./query-all-pages.ts";

export interface ProviderKey {
  id: string;
  gateway_id: string;
  provider_slug: string;
  alias: string;
  secret_preview: string;
  created_at: string;
  modified_at: string;
}

const accountKey = (accountId: string) => `ACCOUNT#${accountId}`;
/** Gateway ids, provider slugs and aliases never contain "#", so these prefixes cannot overlap. */
const gatewayPrefix = (gatewayId: string) => `PROVIDER_KEY#${gatewayId}#`;
const providerPrefix = (gatewayId: string, providerSlug: string) =>
  `${gatewayPrefix(gatewayId)}${providerSlug}#`;

function toProviderKey(item: Record<string, unknown>): ProviderKey {
  return {
    id: item.id as string,
    gateway_id: item.gateway_id as string,
    provider_slug: item.provider_slug as string,
    alias: item.alias as string,
    secret_preview: item.secret_preview as string,
    created_at: item.created_at as string,
    modified_at: item.modified_at as string,
  };
}

/** The encryption context: a sealed secret opens only for the row it was sealed for. */
const sealContext = (accountId: string, gatewayId: string, providerSlug: string, alias: string) => ({
  account: accountId,
  gateway: gatewayId,
  provider: providerSlug,
  alias,
});

/**
 * For Bedrock the secret is a JSON key pair; the preview shows the access key id, never the secret key.
 * A malformed Bedrock secret is refused here too, not only by the management API's schema.
 */
function previewFor(providerSlug: string, secret: string): string {
  const credentialStyle = findProvider(providerSlug)?.credentialStyle;
  if (credentialStyle === "google-service-account") {
    // A service account: the preview shows its e-mail address, never the private key.
    const problems = serviceAccountProblems(secret);
    const account = parseServiceAccount(secret);
    if (problems.length > 0 || !account) {
      throw GatewayError.badRequest(`secret: for ${providerSlug} ${problems.join("; ")}`);
    }
    return secretPreview(account.clientEmail);
  }
  if (credentialStyle !== "sigv4") return secretPreview(secret);
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    parsed = undefined;
  }
  const result = bedrockSecretSchema.safeParse(parsed);
  if (!result.success) {
    throw GatewayError.badRequest(
      `secret: for ${providerSlug} must be a JSON string {"accessKeyId","secretAccessKey","region","sessionToken"?}`,
    );
  }
  return secretPreview(result.data.accessKeyId);
}

/**
 * Stored provider keys (BYOK, reference 8.2) in the config table: pk "ACCOUNT#{account}",
 * sk "PROVIDER_KEY#{gateway}#{provider}#{alias}", so (gateway, provider, alias) is unique by construction
 * and the proxy finds a key with one GetItem. The secret is stored only sealed (envelope encryption by
 * the SecretBox); the preview is computed before sealing and is all that is ever returned.
 */
export class ProviderKeyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly box: SecretBox,
  ) {}

  async create(
    accountId: string,
    gatewayId: string,
    input: { provider_slug: string; alias?: string; secret: string },
  ): Promise<ProviderKey> {
    const alias = input.alias ?? DEFAULT_PROVIDER_KEY_ALIAS;
    const preview = previewFor(input.provider_slug, input.secret);
    const now = new Date().toISOString();
    const key: ProviderKey = {
      id: randomUUID(),
      gateway_id: gatewayId,
      provider_slug: input.provider_slug,
      alias,
      secret_preview: preview,
      created_at: now,
      modified_at: now,
    };
    const sealed = await this.box.seal(
      input.secret,
      sealContext(accountId, gatewayId, input.provider_slug, alias),
    );
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: accountKey(accountId),
            sk: `${providerPrefix(gatewayId, input.provider_slug)}${alias}`,
            ...key,
            sealed,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw conflict(
          `Gateway "${gatewayId}" already has a ${input.provider_slug} key with alias "${alias}": delete it first`,
        );
      }
      throw error;
    }
    return key;
  }

  /** The gateway's keys, by provider and alias. */
  async list(accountId: string, gatewayId: string): Promise<ProviderKey[]> {
    const items = await this.query(accountId, gatewayPrefix(gatewayId));
    return items.map(toProviderKey);
  }

  async delete(accountId: string, gatewayId: string, id: string): Promise<ProviderKey | undefined> {
    const item = (await this.query(accountId, gatewayPrefix(gatewayId), id))[0];
    if (!item) return undefined;
    return this.deleteItem(item);
  }

  /** Deletes every key of a gateway (the gateway was deleted); returns how many there were. */
  async deleteAllForGateway(accountId: string, gatewayId: string): Promise<number> {
    const items = await this.query(accountId, gatewayPrefix(gatewayId));
    for (const item of items) await this.deleteItem(item);
    return items.length;
  }

  /** Keys for one provider in every gateway of the account (a custom provider is being changed). */
  async listForProvider(accountId: string, providerSlug: string): Promise<ProviderKey[]> {
    const items = await this.query(accountId, "PROVIDER_KEY#", undefined, providerSlug);
    return items.map(toProviderKey);
  }

  /** Deletes one provider's keys in every gateway (the custom provider was deleted); returns how many. */
  async deleteAllForProvider(accountId: string, providerSlug: string): Promise<number> {
    const items = await this.query(accountId, "PROVIDER_KEY#", undefined, providerSlug);
    for (const item of items) await this.deleteItem(item);
    return items.length;
  }

  /** For the proxy: the opened secret for (provider, alias), or the aliases that do exist for that provider. */
  async resolve(
    accountId: string,
    gatewayId: string,
    providerSlug: string,
    alias: string,
  ): Promise<{ secret: string } | { aliases: string[] }> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: accountKey(accountId), sk: `${providerPrefix(gatewayId, providerSlug)}${alias}` },
        ConsistentRead: true,
      }),
    );
    if (Item) {
      const secret = await this.box.open(
        Item.sealed as SealedSecret,
        sealContext(accountId, gatewayId, providerSlug, alias),
      );
      return { secret };
    }
    const others = await this.query(accountId, providerPrefix(gatewayId, providerSlug));
    return { aliases: others.map((other) => other.alias as string) };
  }

  private async deleteItem(item: Record<string, unknown>): Promise<ProviderKey | undefined> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: item.pk, sk: item.sk },
        ReturnValues: "ALL_OLD",
      }),
    );
    return Attributes ? toProviderKey(Attributes) : undefined;
  }

  /** Items under a key prefix (optionally only one id's, or one provider's), without the sealed secret. */
  private query(
    accountId: string,
    prefix: string,
    id?: string,
    providerSlug?: string,
  ): Promise<Record<string, unknown>[]> {
    const filters = [...(id ? ["#id = :id"] : []), ...(providerSlug ? ["provider_slug = :provider"] : [])];
    return queryAllPages(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ...(filters.length > 0 ? { FilterExpression: filters.join(" AND ") } : {}),
      ProjectionExpression:
        "pk, sk, #id, gateway_id, provider_slug, #alias, secret_preview, created_at, modified_at",
      ExpressionAttributeNames: { "#id": "id", "#alias": "alias" },
      ExpressionAttributeValues: {
        ":pk": accountKey(accountId),
        ":prefix": prefix,
        ...(id ? { ":id": id } : {}),
        ...(providerSlug ? { ":provider": providerSlug } : {}),
      },
      ConsistentRead: true,
    });
  }
}
