import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "./conflict-error.ts";
import { counterKey, droppedPartition } from "./log-keys.ts";

/** SQS keeps a message at most 14 days: a drop marker only has to outlive every redelivery. */
const DROP_MARKER_SECONDS = 14 * 86_400;

/**
 * The per-gateway count of stored logs, kept as one item updated with atomic ADD, so retention
 * (`log_management`) is enforced without counting the partition on every write. Also the count of logs
 * dropped by STOP_INSERTING, and the markers that let a redelivered dropped log be recognised.
 */
export class LogCounterStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Adds `count` stored logs (one by default), unless `limit` is given and the count has reached it
   * (STOP_INSERTING, one log at a time): then nothing changes and the answer is null. Otherwise the new count.
   */
  async increment(accountId: string, gatewayId: string, limit?: number, count = 1): Promise<number | null> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: counterKey(accountId, gatewayId),
          UpdateExpression: "ADD #stored :count",
          ...(limit === undefined
            ? {}
            : { ConditionExpression: "attribute_not_exists(#stored) OR #stored < :limit" }),
          ExpressionAttributeNames: { "#stored": "stored" },
          ExpressionAttributeValues: { ":count": count, ...(limit === undefined ? {} : { ":limit": limit }) },
          ReturnValues: "UPDATED_NEW",
        }),
      );
      return Number(Attributes?.stored ?? 0);
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  /** Subtracts deleted logs. */
  async subtract(accountId: string, gatewayId: string, count: number): Promise<void> {
    if (count <= 0) return;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: counterKey(accountId, gatewayId),
        UpdateExpression: "ADD #stored :minus",
        ExpressionAttributeNames: { "#stored": "stored" },
        ExpressionAttributeValues: { ":minus": -count },
      }),
    );
  }

  async read(accountId: string, gatewayId: string): Promise<{ stored: number; dropped: number }> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: counterKey(accountId, gatewayId),
        ConsistentRead: true,
      }),
    );
    return { stored: Number(Item?.stored ?? 0), dropped: Number(Item?.dropped ?? 0) };
  }

  /**
   * Records a dropped log: a marker (true when this call made it) and, the first time only, the dropped
   * count. The marker carries the steps already applied for the log, as the log item would have.
   */
  async markDropped(accountId: string, gatewayId: string, id: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: droppedPartition(accountId, gatewayId),
            sk: id,
            expires_at: Math.floor(this.now() / 1000) + DROP_MARKER_SECONDS,
          },
          ConditionExpression: "attribute_not_exists(sk)",
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: counterKey(accountId, gatewayId),
        UpdateExpression: "ADD dropped :one",
        ExpressionAttributeValues: { ":one": 1 },
      }),
    );
    return true;
  }

  /** Steps applied for a dropped log, or undefined when it was never dropped. */
  async droppedSteps(accountId: string, gatewayId: string, id: string): Promise<Set<string> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: droppedPartition(accountId, gatewayId), sk: id },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return new Set((Item.applied as Set<string> | undefined) ?? []);
  }

  async markDroppedApplied(accountId: string, gatewayId: string, id: string, steps: string[]): Promise<void> {
    if (steps.length === 0) return;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: droppedPartition(accountId, gatewayId), sk: id },
        UpdateExpression: "ADD applied :steps",
        ExpressionAttributeValues: { ":steps": new Set(steps) },
      }),
    );
  }
}
