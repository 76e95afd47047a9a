import { randomUUID } from "node:crypto";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  apiTokenPreview,
  generateApiTokenValue,
  hashApiTokenValue,
  looksLikeApiToken,
} from "../security/api-token-value.ts";
import { isConditionFailure } from "./conflict-error.ts";
import { queryAllPages } from "./query-all-pages.ts";

export type TokenScope = "read" | "edit" | "run";

export interface ApiToken {
  id: string;
  name: string;
  scopes: TokenScope[];
  created_at: string;
  revoked_at: string | null;
  value_preview: string;
}

const TOKEN_PREFIX = "TOKEN#";

const accountKey = (accountId: string) => `ACCOUNT#${accountId}`;

function toToken(item: Record<string, unknown>): ApiToken {
  return {
    id: item.id as string,
    name: item.name as string,
    scopes: item.scopes as TokenScope[],
    created_at: item.created_at as string,
    revoked_at: (item.revoked_at as string | null | undefined) ?? null,
    value_preview: item.value_preview as string,
  };
}

/**
 * API tokens in the config table, one item each, keyed by the SHA-256 of the value:
 * pk "ACCOUNT#{account}", sk "TOKEN#{sha256 hex}". The value itself is never stored: it is returned once,
 * by `create`. Keying by the hash makes the hot lookup (a presented token) one GetItem, and keeps create
 * and revoke single-item writes, which are atomic without transactions (dynalite has none).
 * Revoking by id queries the account's tokens: there are tens of them, not millions.
 */
export class TokenStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(
    accountId: string,
    input: { name: string; scopes: TokenScope[] },
  ): Promise<{ token: ApiToken; value: string }> {
    const value = generateApiTokenValue();
    const token: ApiToken = {
      id: randomUUID(),
      name: input.name,
      scopes: [...input.scopes],
      created_at: new Date().toISOString(),
      revoked_at: null,
      value_preview: apiTokenPreview(value),
    };
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: accountKey(accountId), sk: `${TOKEN_PREFIX}${hashApiTokenValue(value)}`, ...token },
        // 256 random bits never collide; the condition makes sure of it anyway.
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return { token, value };
  }

  /** Every token of the account, revoked ones included, oldest first. */
  async list(accountId: string): Promise<ApiToken[]> {
    const items = await this.queryTokens(accountId);
    return items
      .map(toToken)
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }

  /** Marks the token revoked (once: revoking again keeps the first time); undefined when unknown. */
  async revoke(accountId: string, id: string): Promise<ApiToken | undefined> {
    const item = (await this.queryTokens(accountId, id))[0];
    if (!item) return undefined;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: "SET revoked_at = :now",
          ConditionExpression: "attribute_exists(pk) AND attribute_type(revoked_at, :null)",
          ExpressionAttributeValues: { ":now": new Date().toISOString(), ":null": "NULL" },
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes ? toToken(Attributes) : undefined;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Already revoked (by this call's twin, perhaps): return the stored state.
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: item.pk, sk: item.sk },
          ConsistentRead: true,
        }),
      );
      return Item ? toToken(Item) : undefined;
    }
  }

  /** By SHA-256 of the presented value; revoked tokens come back with revoked_at set; undefined when unknown. */
  async findByValue(accountId: string, value: string): Promise<ApiToken | undefined> {
    if (!looksLikeApiToken(value)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: accountKey(accountId), sk: `${TOKEN_PREFIX}${hashApiTokenValue(value)}` },
        ConsistentRead: true,
      }),
    );
    return Item ? toToken(Item) : undefined;
  }

  private queryTokens(accountId: string, id?: string): Promise<Record<string, unknown>[]> {
    return queryAllPages(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ...(id ? { FilterExpression: "#id = :id", ExpressionAttributeNames: { "#id": "id" } } : {}),
      ExpressionAttributeValues: {
        ":pk": accountKey(accountId),
        ":prefix": TOKEN_PREFIX,
        ...(id ? { ":id": id } : {}),
      },
      ConsistentRead: true,
    });
  }
}
