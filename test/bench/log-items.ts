import { type AttributeValue, DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { DEFAULT_LOG_SHARDS } from "../../shared/store/log-shards.ts";

/** DynamoDB's item size rules (names + values; numbers ~1 byte per 2 digits + 1; maps/lists 3 + 1 per element). */
function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/[-.]/g, "").length / 2) + 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L) return 3 + value.L.reduce((sum, item) => sum + 1 + valueSize(item), 0);
  if (value.M) return 3 + itemSize(value.M) + Object.keys(value.M).length;
  if (value.SS) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  return 0;
}

export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value),
    0,
  );
}

export interface LogItemSizes {
  /**
   * Per workload: the stored log item (fields, no bodies) and, when bodies are kept, the body item apart
   * (shared/store/log-store.ts keeps bodies in "{account}#{gateway}#bodies"), as mean bytes and mean write
   * request units (1 KB each, rounded up per item).
   */
  [workload: string]: {
    items: number;
    meanLogBytes: number;
    meanLogWriteUnits: number;
    meanBodyBytes: number;
    meanBodyWriteUnits: number;
  };
}

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);

/** Samples stored logs and their body items from the logs table and sizes them, by response type. */
export async function measureLogItems(env: Record<string, string>, sample = 3000): Promise<LogItemSizes> {
  const client = new DynamoDBClient({
    endpoint: env.AWS_ENDPOINT_URL_DYNAMODB,
    region: env.AWS_REGION ?? "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    // The oldest logs of the default gateway (UUIDv7 ids sort by time): warm-up and first rounds, both workloads.
    const partition = `${env.ACCOUNT_ID ?? "local"}#default`;
    const query = async (pk: string) =>
      (
        await client.send(
          new QueryCommand({
            TableName: env.LOGS_TABLE_NAME,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": { S: pk } },
            Limit: sample,
          }),
        )
      ).Items ?? [];
    // Every shard of the gateway's logs and bodies (docs/logging.md, Write shards), and the layout before them.
    const shards = Number(env.LOG_SHARDS ?? DEFAULT_LOG_SHARDS);
    const partitions = [partition, `${partition}#bodies`];
    for (let shard = 0; shard < shards && shards > 1; shard += 1)
      partitions.push(`${partition}#${shard}`, `${partition}#bodies#${shard}`);
    const Items = (await Promise.all(partitions.map(query))).flat();
    const bodies = new Map<string, number>();
    const logs: Array<{ id: string; workload: string; size: number }> = [];
    for (const item of Items) {
      const pk = item.pk?.S ?? "";
      const id = item.sk?.S ?? "";
      if (/#bodies(#\d+)?$/.test(pk)) bodies.set(id, itemSize(item));
      else if (item.status_code && item.response_content_type) {
        const type = item.response_content_type.S ?? "";
        const size = Number(item.response_size?.N ?? 0);
        if (size > 1_000_000) continue; // the 50 MiB stream runs
        logs.push({ id, workload: type.includes("event-stream") ? "stream" : "plain", size: itemSize(item) });
      }
    }
    const result: LogItemSizes = {};
    for (const workload of new Set(logs.map((log) => log.workload))) {
      const group = logs.filter((log) => log.workload === workload);
      const bodySizes = group.flatMap((log) => (bodies.has(log.id) ? [bodies.get(log.id) as number] : []));
      result[workload] = {
        items: group.length,
        meanLogBytes: mean(group.map((log) => log.size)),
        meanLogWriteUnits: mean(group.map((log) => Math.ceil(log.size / 1024))),
        meanBodyBytes: mean(bodySizes),
        meanBodyWriteUnits: mean(bodySizes.map((size) => Math.ceil(size / 1024))),
      };
    }
    return result;
  } finally {
    client.destroy();
  }
}
