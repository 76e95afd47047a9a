import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "./conflict-error.ts";
import { counterKey, droppedPartition, expiringPartition, expiryMinuteKey } from "./log-keys.ts";

/** SQS keeps a message at most 14 days: a drop marker only has to outlive every redelivery. */
const DROP_MARKER_SECONDS = 14 * 86_400;

/**
 * The per-gateway count of stored logs, kept as one item updated with atomic ADD, so retention
 * (`log_management`) is enforced, and a listing's total answered, without counting the partition. Also the
 * count of logs dropped by STOP_INSERTING, and the markers that let a redelivered dropped log be recognised.
 *
 * Logs that expire (LOGS_TTL_DAYS) leave without a delete of ours: DynamoDB's TTL removes them, up to days
 * later, and reads skip them from their `expires_at` on. So the logs counted are also added to a bucket of
 * the minute they expire in ("{account}#{gateway}#expiring"), and a bucket whose minute has passed is folded
 * into the counter (subtracted, and the bucket deleted) before the counter is read or added to. A delete of
 * ours takes the log out of its bucket as well as the total. The count is then right to the minute, with no
 * stream consumer and nothing that depends on when TTL gets round to an item.
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
  async increment(
    accountId: string,
    gatewayId: string,
    limit?: number,
    count = 1,
    /** The logs' `expires_at` (one per batch: the log-writer computes it once), when they expire. */
    expiresAt?: number,
  ): Promise<number | null> {
    await this.foldExpired(accountId, gatewayId);
    let stored: number;
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
      stored = Number(Attributes?.stored ?? 0);
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
    if (expiresAt !== undefined) await this.addExpiring(accountId, gatewayId, expiresAt, count);
    return stored;
  }

  /**
   * Subtracts deleted logs; `expiring`, the `expires_at` of those that had one, takes them out of their
   * expiry minutes too, so the fold does not subtract them again.
   */
  async subtract(
    accountId: string,
    gatewayId: string,
    count: number,
    expiring: readonly number[] = [],
  ): Promise<void> {
    if (count <= 0) return;
    const byMinute = new Map<string, number>();
    for (const expiresAt of expiring) {
      const minute = expiryMinuteKey(expiresAt);
      byMinute.set(minute, (byMinute.get(minute) ?? 0) + 1);
    }
    // A bucket folded meanwhile comes back negative, and the next fold gives the count back: still right.
    await Promise.all(
      [...byMinute].map(([minute, logs]) => this.addExpiringMinute(accountId, gatewayId, minute, -logs)),
    );
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
    await this.foldExpired(accountId, gatewayId);
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: counterKey(accountId, gatewayId),
        ConsistentRead: true,
      }),
    );
    return { stored: Number(Item?.stored ?? 0), dropped: Number(Item?.dropped ?? 0) };
  }

  private addExpiring(accountId: string, gatewayId: string, expiresAt: number, count: number): Promise<void> {
    return this.addExpiringMinute(accountId, gatewayId, expiryMinuteKey(expiresAt), count);
  }

  private async addExpiringMinute(
    accountId: string,
    gatewayId: string,
    minute: string,
    count: number,
  ): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: expiringPartition(accountId, gatewayId), sk: minute },
        // No TTL of its own: a bucket leaves only by the fold, which must see it to subtract it.
        UpdateExpression: "ADD #count :count",
        ExpressionAttributeNames: { "#count": "count" },
        ExpressionAttributeValues: { ":count": count },
      }),
    );
  }

  /**
   * Subtracts the logs of every expiry minute that has passed, each bucket once: it is deleted with its
   * old value returned, so of two folds at once only one gets it. Usually a Query that finds nothing.
   */
  private async foldExpired(accountId: string, gatewayId: string): Promise<void> {
    const current = expiryMinuteKey(this.now() / 1000);
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND sk < :now",
        ExpressionAttributeValues: { ":pk": expiringPartition(accountId, gatewayId), ":now": current },
        ConsistentRead: true,
      }),
    );
    for (const bucket of Items ?? []) {
      let count: number;
      try {
        const { Attributes } = await this.client.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { pk: bucket.pk, sk: bucket.sk },
            ConditionExpression: "attribute_exists(pk)",
            ReturnValues: "ALL_OLD",
          }),
        );
        count = Number(Attributes?.count ?? 0);
      } catch (error) {
        if (isConditionFailure(error)) continue;
        throw error;
      }
      if (count === 0) continue;
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
