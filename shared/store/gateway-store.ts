import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type Gateway, gatewaySchema } from "../schemas/gateway.ts";

const gatewayKey = (accountId: string, gatewayId: string) => ({
  pk: `ACCOUNT#${accountId}`,
  sk: `GATEWAY#${gatewayId}`,
});

/** Gateways in the config table. Reads are strongly consistent: the caller caches them in memory. */
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
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...gatewayKey(accountId, gateway.id), gateway },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return gateway;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.get(accountId, gateway.id);
      if (!existing) throw error;
      return existing;
    }
  }
}
