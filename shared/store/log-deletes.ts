import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "./conflict-error.ts";
import { type LogBodyObjects, logBodyKey } from "./log-body-objects.ts";
import { candidateLocations, listingPartitions } from "./log-shards.ts";
import type { LogTable } from "./log-table.ts";
import { mergedLogItems } from "./merged-log-items.ts";

/** Deletes run this many at a time: one DeleteItem each, so each reports whether it removed a log. */
const DELETE_CONCURRENCY = 25;

/**
 * Deletes of logs: the oldest ones when a gateway is over its limit (shared/logs/log-retention.ts), and
 * by id for the management API's delete by filter and the log-writer's drop of a log past the gateway's limit.
 */
export class LogDeletes {
  constructor(
    private readonly table: LogTable,
    private readonly bodies?: LogBodyObjects,
  ) {}

  /** The ids of the gateway's oldest logs: its shards merged in ascending sort-key order, read up to `count`. */
  async oldestIds(accountId: string, gatewayId: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    if (count <= 0) return ids;
    const partitions = listingPartitions(accountId, gatewayId, this.table.shards);
    for await (const item of mergedLogItems(this.table, partitions, {
      direction: "asc",
      pageSize: count,
      projection: "sk",
    })) {
      ids.push(String(item.sk));
      if (ids.length >= count) break;
    }
    return ids;
  }

  /**
   * Deletes logs and their bodies, wherever they are kept (S3 objects, body items, inline), bodies first:
   * a log whose delete fails halfway is still listed and can be deleted again. Returns how many logs this
   * call removed (for the stored-log counter).
   */
  async deleteLogs(accountId: string, gatewayId: string, ids: readonly string[]): Promise<number> {
    let deleted = 0;
    for (let index = 0; index < ids.length; index += DELETE_CONCURRENCY) {
      const chunk = ids.slice(index, index + DELETE_CONCURRENCY);
      // Keys come from the log's identity: no read to find them, and a log without bodies costs nothing.
      await this.bodies?.deleteAll(
        chunk.flatMap((id) => [
          logBodyKey(accountId, gatewayId, id, "request"),
          logBodyKey(accountId, gatewayId, id, "response"),
        ]),
      );
      const results = await Promise.all(chunk.map((id) => this.deleteOne(accountId, gatewayId, id)));
      deleted += results.filter(Boolean).length;
    }
    return deleted;
  }

  /** Deletes the log where it is: its shard, usually the first place tried (log-shards.ts). */
  private async deleteOne(accountId: string, gatewayId: string, id: string): Promise<boolean> {
    for (const location of candidateLocations(accountId, gatewayId, id, this.table.shards)) {
      await this.table.client.send(
        new DeleteCommand({ TableName: this.table.tableName, Key: { pk: location.bodyPk, sk: id } }),
      );
      try {
        await this.table.client.send(
          new DeleteCommand({
            TableName: this.table.tableName,
            Key: { pk: location.logPk, sk: id },
            ConditionExpression: "attribute_exists(sk)",
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    return false;
  }
}
