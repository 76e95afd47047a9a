import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { type LogQuery, matchesQuery } from "../logs/log-query.ts";
import { isConditionFailure } from "./conflict-error.ts";
import { type LogBodyObjects, logBodyKey } from "./log-body-objects.ts";
import { isExpired } from "./log-items.ts";
import { sortKeyRange } from "./log-queries.ts";
import { candidateLocations, listingPartitions } from "./log-shards.ts";
import type { LogTable } from "./log-table.ts";
import { mergedLogItems } from "./merged-log-items.ts";

/** What a delete removed: how many logs, and the `expires_at` of each that had one (log-counter-store.ts). */
export interface DeletedLogs {
  count: number;
  expiring: number[];
}

/** One slice of a delete job (shared/logs/log-delete-worker.ts): the logs to delete, and where the next resumes. */
export interface DeleteSlice {
  ids: string[];
  /** The last id read (matching or not): the next slice reads on after it. */
  cursor: string | undefined;
  /** Nothing is left to read after `cursor`. */
  exhausted: boolean;
}

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

  /** The ids of the gateway's oldest unexpired logs: its shards merged in ascending sort-key order, read up to `count`. */
  async oldestIds(accountId: string, gatewayId: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    if (count <= 0) return ids;
    const partitions = listingPartitions(accountId, gatewayId, this.table.shards);
    const now = this.table.now();
    for await (const item of mergedLogItems(this.table, partitions, {
      direction: "asc",
      pageSize: count,
      projection: "sk, expires_at",
    })) {
      // An expired log is gone already (reads skip it, the counter let go of it): not one to trim.
      if (isExpired(item, now)) continue;
      ids.push(String(item.sk));
      if (ids.length >= count) break;
    }
    return ids;
  }

  /**
   * The next unexpired logs a query selects in created_at order (its `direction`), after `after`: at most
   * `max` of them, reading at most `readLimit` logs (matching or not), so a slice with a narrow filter over a
   * large gateway still ends soon. Its shards and the unsharded layout are merged (merged-log-items.ts).
   */
  async matchingSlice(
    accountId: string,
    gatewayId: string,
    query: Pick<LogQuery, "filters" | "direction">,
    slice: { after?: string; max: number; readLimit: number },
  ): Promise<DeleteSlice> {
    const partitions = listingPartitions(accountId, gatewayId, this.table.shards);
    const now = this.table.now();
    const ids: string[] = [];
    let cursor = slice.after;
    let read = 0;
    for await (const item of mergedLogItems(this.table, partitions, {
      direction: query.direction,
      range: sortKeyRange(query),
      after: slice.after,
      pageSize: Math.min(1_000, Math.max(10, Math.ceil((2 * slice.max) / partitions.length))),
    })) {
      cursor = String(item.sk);
      read += 1;
      if (!isExpired(item, now) && matchesQuery(item, query)) ids.push(cursor);
      if (ids.length >= slice.max || read >= slice.readLimit) return { ids, cursor, exhausted: false };
    }
    return { ids, cursor, exhausted: true };
  }

  /**
   * Deletes logs and their bodies, wherever they are kept (S3 objects, body items, inline), bodies first:
   * a log whose delete fails halfway is still listed and can be deleted again. Returns how many logs this
   * call removed (for the stored-log counter).
   */
  async deleteLogs(accountId: string, gatewayId: string, ids: readonly string[]): Promise<number> {
    return (await this.removeLogs(accountId, gatewayId, ids)).count;
  }

  /**
   * `deleteLogs`, also answering the expiry of each log removed, so the stored-log counter can take it out
   * of the minute it would have expired in as well as out of its total (log-counter-store.ts).
   */
  async removeLogs(accountId: string, gatewayId: string, ids: readonly string[]): Promise<DeletedLogs> {
    const removed: DeletedLogs = { count: 0, expiring: [] };
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
      for (const result of results) {
        if (!result) continue;
        removed.count += 1;
        if (typeof result.expires_at === "number") removed.expiring.push(result.expires_at);
      }
    }
    return removed;
  }

  /** Deletes the log where it is: its shard, usually the first place tried (log-shards.ts). */
  private async deleteOne(
    accountId: string,
    gatewayId: string,
    id: string,
  ): Promise<{ expires_at?: unknown } | undefined> {
    for (const location of candidateLocations(accountId, gatewayId, id, this.table.shards)) {
      await this.table.client.send(
        new DeleteCommand({ TableName: this.table.tableName, Key: { pk: location.bodyPk, sk: id } }),
      );
      try {
        const { Attributes } = await this.table.client.send(
          new DeleteCommand({
            TableName: this.table.tableName,
            Key: { pk: location.logPk, sk: id },
            ConditionExpression: "attribute_exists(sk)",
            ReturnValues: "ALL_OLD",
          }),
        );
        return { expires_at: Attributes?.expires_at };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    return undefined;
  }
}
