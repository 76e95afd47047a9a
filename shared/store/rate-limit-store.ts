import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "./conflict-error.ts";

export interface CounterValue {
  sk: string;
  count: number;
}

/**
 * Rate-limit counters in the state table: one item per window (or bucket), pk "RATE#{account}#{gateway}",
 * incremented with a conditional `ADD`, so every Lambda instance shares one exact count and the
 * check-and-increment is a single atomic DynamoDB operation (no read-modify-write race).
 * Items carry `expires_at` so DynamoDB's TTL removes finished windows.
 */
export class RateLimitStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Adds one to the counter unless it has already reached `cap`. Returns the new count, or null when the
   * counter was full (nothing changed).
   */
  async incrementBelow(pk: string, sk: string, cap: number, expiresAt: number): Promise<number | null> {
    if (cap <= 0) return null;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk },
          UpdateExpression: "ADD #count :one SET expires_at = :expires",
          ConditionExpression: "attribute_not_exists(#count) OR #count < :cap",
          ExpressionAttributeNames: { "#count": "count" },
          ExpressionAttributeValues: { ":one": 1, ":cap": cap, ":expires": expiresAt },
          ReturnValues: "UPDATED_NEW",
        }),
      );
      return Number(Attributes?.count ?? 0);
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  /** The counters of one partition whose sort keys lie between `from` and `to`, inclusive. */
  async read(pk: string, from: string, to: string): Promise<CounterValue[]> {
    const counters: CounterValue[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
          ExpressionAttributeValues: { ":pk": pk, ":from": from, ":to": to },
          ProjectionExpression: "sk, #count",
          ExpressionAttributeNames: { "#count": "count" },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? [])
        counters.push({ sk: String(item.sk), count: Number(item.count ?? 0) });
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return counters;
  }
}
