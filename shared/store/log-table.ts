import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** The logs table, shared by the parts of LogStore (ingest, queries, deletes). */
export interface LogTable {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Milliseconds since the epoch: what counts as expired, and when a batch record runs out. */
  now: () => number;
  /** Write shards per gateway (log-shards.ts): a power of two, 1 for the layout before shards. */
  shards: number;
}
