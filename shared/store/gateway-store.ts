import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type Gateway, gatewaySchema } from "../schemas/gateway.ts";
import { conflict, isConditionFailure } from "./conflict-error.ts";
import { queryAllPages } from "./query-all-pages.ts";

const GATEWAY_PREFIX = "GATEWAY#";

const accountKey = (accountId: string) => `ACCOUNT#${accountId}`;

const gatewayKey = (accountId: string, gatewayId: string) => ({
  pk: accountKey(accountId),
  sk: `${GATEWAY_PREFIX}${gatewayId}`,
});

export interface GatewayListQuery {
  page: number;
  per_page: number;
  /** A case-insensitive substring of the id. */
  search?: string;
}

/**
 * Gateways in the config table: pk "ACCOUNT#{account}", sk "GATEWAY#{id}", the gateway object in the
 * `gateway` attribute. Reads are strongly consistent: the proxy caches them in memory for seconds.
 * Every write is conditional, so a create never overwrites and an update never resurrects a deleted one.
 */
export class GatewayStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(accountId: string, gatewayId: string): Promise<Gateway | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: gatewayKey(accountId, gatewayId),
        ConsistentRead: true,
      }),
    );
    return Item ? gatewaySchema.parse(Item.gateway) : undefined;
  }

  /** Creates the gateway unless one with that id exists; returns whichever is stored afterwards. */
  async createIfAbsent(accountId: string, gateway: Gateway): Promise<Gateway> {
    try {
      await this.putNew(accountId, gateway);
      return gateway;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.get(accountId, gateway.id);
      if (!existing) throw error;
      return existing;
    }
  }

  /** Creates the gateway; a gateway with that id already there is a 409. */
  async create(accountId: string, gateway: Gateway): Promise<Gateway> {
    try {
      await this.putNew(accountId, gateway);
      return gateway;
    } catch (error) {
      if (isConditionFailure(error)) throw conflict(`Gateway "${gateway.id}" already exists`);
      throw error;
    }
  }

  /** One page of the account's gateways in id order, and how many match. */
  async list(accountId: string, query: GatewayListQuery): Promise<{ items: Gateway[]; total: number }> {
    const needle = query.search?.toLowerCase();
    const items = await queryAllPages(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": accountKey(accountId), ":prefix": GATEWAY_PREFIX },
      ConsistentRead: true,
    });
    const matching = items
      .map((item) => gatewaySchema.parse(item.gateway))
      .filter((gateway) => !needle || gateway.id.toLowerCase().includes(needle));
    const start = (query.page - 1) * query.per_page;
    return { items: matching.slice(start, start + query.per_page), total: matching.length };
  }

  /** Replaces a stored gateway; undefined when there is none (it is not created). */
  async put(accountId: string, gateway: Gateway): Promise<Gateway | undefined> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...gatewayKey(accountId, gateway.id), gateway },
          ConditionExpression: "attribute_exists(pk)",
        }),
      );
      return gateway;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Deletes a gateway and returns what was stored; undefined when there was none. */
  async delete(accountId: string, gatewayId: string): Promise<Gateway | undefined> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: gatewayKey(accountId, gatewayId),
        ReturnValues: "ALL_OLD",
      }),
    );
    return Attributes ? gatewaySchema.parse(Attributes.gateway) : undefined;
  }

  private async putNew(accountId: string, gateway: Gateway): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...gatewayKey(accountId, gateway.id), gateway },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }
}
