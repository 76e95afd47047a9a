import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { LogTable } from "./log-table.ts";

type Item = Record<string, unknown>;

export interface MergedReadOptions {
  direction: "asc" | "desc";
  /** Sort-key bounds (inclusive), from a time window: log-keys.ts logIdRange. */
  range?: { from: string; to: string };
  /**
   * The cursor: the id of the last log already seen, so reading resumes after it in `direction`. UUIDv7
   * ids are unique and sort by time, so the last id alone says where every shard resumes.
   */
  after?: string;
  /** Items per Query at first; later Queries of a partition double it, up to DynamoDB's 1 MB pages. */
  pageSize: number;
  projection?: string;
}

const MAX_PAGE_SIZE = 1_000;

/** One partition's Query, read a page at a time as the merge needs it. */
class PartitionReader {
  private buffer: Item[] = [];
  private startKey: Item | undefined;
  private exhausted = false;
  private pageSize: number;

  constructor(
    private readonly table: LogTable,
    private readonly pk: string,
    private readonly options: MergedReadOptions,
  ) {
    this.pageSize = Math.max(1, Math.min(options.pageSize, MAX_PAGE_SIZE));
  }

  /** The next item, read from DynamoDB when the buffer is empty; undefined at the end. */
  async head(): Promise<Item | undefined> {
    while (this.buffer.length === 0 && !this.exhausted) await this.fetch();
    return this.buffer[0];
  }

  take(): void {
    this.buffer.shift();
  }

  private keyCondition(): { expression: string; values: Item } {
    const { range, after, direction } = this.options;
    if (range) {
      // One condition per sort key: the cursor tightens the range, and the cursor's own item is skipped.
      const from = after !== undefined && direction === "asc" && after > range.from ? after : range.from;
      const to = after !== undefined && direction === "desc" && after < range.to ? after : range.to;
      return {
        expression: "pk = :pk AND sk BETWEEN :from AND :to",
        values: { ":pk": this.pk, ":from": from, ":to": to },
      };
    }
    if (after !== undefined)
      return {
        expression: `pk = :pk AND sk ${direction === "asc" ? ">" : "<"} :after`,
        values: { ":pk": this.pk, ":after": after },
      };
    return { expression: "pk = :pk", values: { ":pk": this.pk } };
  }

  private async fetch(): Promise<void> {
    const condition = this.keyCondition();
    // A cursor past the end of the range leaves nothing to read (and DynamoDB refuses BETWEEN with from > to).
    if (String(condition.values[":from"] ?? "") > String(condition.values[":to"] ?? "\uffff")) {
      this.exhausted = true;
      return;
    }
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: condition.expression,
        ExpressionAttributeValues: condition.values,
        ScanIndexForward: this.options.direction === "asc",
        Limit: this.pageSize,
        ExclusiveStartKey: this.startKey,
        ...(this.options.projection ? { ProjectionExpression: this.options.projection } : {}),
      }),
    );
    const after = this.options.after;
    this.buffer.push(...(result.Items ?? []).filter((item) => after === undefined || item.sk !== after));
    this.startKey = result.LastEvaluatedKey;
    this.exhausted = this.startKey === undefined;
    this.pageSize = Math.min(this.pageSize * 2, MAX_PAGE_SIZE);
  }
}

/**
 * The items of several partitions of the logs table (a gateway's shards and its unsharded layout) as one
 * stream in sort-key order, each partition read a page at a time, only as far as the caller reads. An id
 * found in two partitions (a log written again after the layout changed) is given once.
 */
export async function* mergedLogItems(
  table: LogTable,
  partitions: readonly string[],
  options: MergedReadOptions,
): AsyncGenerator<Item> {
  const readers = partitions.map((pk) => new PartitionReader(table, pk, options));
  const before = (a: string, b: string) => (options.direction === "asc" ? a < b : a > b);
  let last: string | undefined;
  for (;;) {
    const heads = await Promise.all(readers.map((reader) => reader.head()));
    let next = -1;
    heads.forEach((item, index) => {
      const best = heads[next];
      if (item && (best === undefined || before(String(item.sk), String(best.sk)))) next = index;
    });
    const item = heads[next];
    if (!item) return;
    readers[next]?.take();
    if (item.sk === last) continue;
    last = String(item.sk);
    yield item;
  }
}
