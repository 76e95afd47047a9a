import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { logBodyObjects } from "./log-body-objects.ts";
import { LogStore } from "./log-store.ts";

/**
 * The log store of a function from its environment: the logs table, the bodies bucket, and the write
 * shards, which must be the same in every function (api, log-writer, log-deleter) so that each reads every
 * partition a log may be in. Only the log-writer decides where bodies go (LOG_BODIES_S3_MIN_BYTES).
 */
export function logStoreFromEnv(
  client: DynamoDBDocumentClient,
  env: {
    LOGS_TABLE_NAME: string;
    LOG_BODIES_BUCKET?: string | undefined;
    LOG_BODIES_S3_MIN_BYTES?: number | undefined;
    LOG_SHARDS: number;
  },
): LogStore {
  return new LogStore(
    client,
    env.LOGS_TABLE_NAME,
    Date.now,
    logBodyObjects(env.LOG_BODIES_BUCKET),
    env.LOG_BODIES_S3_MIN_BYTES,
    env.LOG_SHARDS,
  );
}
