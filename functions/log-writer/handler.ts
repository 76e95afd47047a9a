import middy from "@middy/core";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { parseLogWriterEnv } from "../../shared/config/env.ts";
import { createLogger } from "../../shared/config/logger.ts";
import { writeLogBatch } from "../../shared/logs/write-log-batch.ts";
import { createDocumentClient } from "../../shared/store/dynamo-client.ts";
import { LogStore } from "../../shared/store/log-store.ts";

const env = parseLogWriterEnv();
const logger = createLogger("ai-gateway-log-writer");
const store = new LogStore(createDocumentClient(), env.LOGS_TABLE_NAME);

/** Drains the log queue into the logs table, reporting partial batch failures (ReportBatchItemFailures). */
export const handler = middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
  const failed = await writeLogBatch(
    event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
    store,
    logger,
  );
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
});
