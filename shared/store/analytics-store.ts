import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Figures } from "../logs/analytics-figures.ts";
import { analyticsPartition, type Granularity } from "./log-keys.ts";

/** Sort keys are bounded (1 KB); a model name past this is aggregated under its head. */
const MAX_MODEL_KEY = 256;

export interface AnalyticsBucket {
  /** Start of the hour or day, ISO 8601 UTC. */
  start: string;
  provider: string | null;
  model: string | null;
  figures: Record<string, unknown>;
}

/** The start of the UTC hour or day an instant falls in. */
export function bucketStart(milliseconds: number, granularity: Granularity): string {
  const date = new Date(milliseconds);
  if (granularity === "day") date.setUTCHours(0, 0, 0, 0);
  else date.setUTCMinutes(0, 0, 0);
  return date.toISOString();
}

/**
 * Analytics buckets in the logs table: one item per gateway, granularity (hour, day), bucket and
 * (provider, model) pair, with pk "{account}#{gateway}#analytics#{granularity}" and sk
 * "{bucket start}#[provider, model]", so a time range is a sort-key range. The log-writer adds each log
 * to its hour and its day item with one atomic UpdateItem ADD each; totals and per-provider figures are
 * sums over the pairs at read time, which keeps a write at two updates.
 */
export class AnalyticsStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(
    accountId: string,
    gatewayId: string,
    granularity: Granularity,
    start: string,
    dimensions: { provider: string | null; model: string | null },
    figures: Figures,
  ): Promise<void> {
    const model = dimensions.model === null ? null : dimensions.model.slice(0, MAX_MODEL_KEY);
    const added = Object.entries(figures).filter(([, value]) => value !== 0);
    const names: Record<string, string> = { "#provider": "provider", "#model": "model", "#start": "start" };
    const values: Record<string, unknown> = {
      ":provider": dimensions.provider,
      ":model": model,
      ":start": start,
    };
    added.forEach(([name, value], index) => {
      names[`#a${index}`] = name;
      values[`:a${index}`] = value;
    });
    const additions = added.map((_, index) => `#a${index} :a${index}`).join(", ");
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: {
          pk: analyticsPartition(accountId, gatewayId, granularity),
          sk: `${start}#${JSON.stringify([dimensions.provider, model])}`,
        },
        UpdateExpression: `SET #provider = :provider, #model = :model, #start = :start${additions ? ` ADD ${additions}` : ""}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** Every bucket item whose start lies in [from, to] (ISO bucket starts), in time order. */
  async query(
    accountId: string,
    gatewayId: string,
    granularity: Granularity,
    from: string,
    to: string,
  ): Promise<AnalyticsBucket[]> {
    const buckets: AnalyticsBucket[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
          // "$" sorts right after "#", so the upper bound takes in every pair of the last bucket.
          ExpressionAttributeValues: {
            ":pk": analyticsPartition(accountId, gatewayId, granularity),
            ":from": from,
            ":to": `${to}$`,
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) {
        buckets.push({
          start: String(item.start),
          provider: (item.provider as string | null) ?? null,
          model: (item.model as string | null) ?? null,
          figures: item,
        });
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return buckets;
  }
}
