import middy from "@middy/core";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { parseLogDeleterEnv } from "../../shared/config/env.ts";
import { createLogger } from "../../shared/config/logger.ts";
import { gatewayRetention } from "../../shared/logs/gateway-retention.ts";
import { LogDeleteQueue } from "../../shared/logs/log-delete-message.ts";
import { type LogDeleteWorkerDependencies, runLogDeleteBatch } from "../../shared/logs/log-delete-worker.ts";
import { SdkSqsClient } from "../../shared/queue/sdk-sqs-client.ts";
import { createDocumentClient } from "../../shared/store/dynamo-client.ts";
import { GatewayStore } from "../../shared/store/gateway-store.ts";
import { LogCounterStore } from "../../shared/store/log-counter-store.ts";
import { LogDeleteJobStore } from "../../shared/store/log-delete-job-store.ts";
import { logStoreFromEnv } from "../../shared/store/log-store-from-env.ts";
import { logUnexpectedError, powertoolsMiddlewares } from "../lib/powertools-middlewares.ts";

// Built once per instance (cold start).
const env = parseLogDeleterEnv();
const logger = createLogger("ai-gateway-log-deleter");
const documentClient = createDocumentClient();
const gateways = new GatewayStore(documentClient, env.CONFIG_TABLE_NAME);
const deps: LogDeleteWorkerDependencies = {
  jobs: new LogDeleteJobStore(documentClient, env.LOGS_TABLE_NAME),
  // The same shards as the writer and the api, so every partition a log may be in is searched.
  logs: logStoreFromEnv(documentClient, env),
  counters: new LogCounterStore(documentClient, env.LOGS_TABLE_NAME),
  gateways,
  // Read afresh for each slice, near enough: a limit raised meanwhile stops the trimming at the new one.
  retention: gatewayRetention(gateways, 1_000),
  // A job with more to do queues its next message on its own queue.
  queue: new LogDeleteQueue(new SdkSqsClient(), env.LOG_DELETE_QUEUE_URL),
  logger,
  sliceSize: env.LOG_DELETE_SLICE_SIZE,
  budgetMs: env.LOG_DELETE_BUDGET_MS,
};

async function runBatch(event: SQSEvent): Promise<SQSBatchResponse> {
  const failed = await runLogDeleteBatch(event.Records, deps);
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

/**
 * The log-delete worker: runs log-delete jobs (delete by filter, DELETE_OLDEST's large overflows) from
 * their queue, a slice at a time, each message for at most LOG_DELETE_BUDGET_MS before the job is handed to
 * its next message (shared/logs/log-delete-worker.ts). A failed message is reported for SQS to deliver again.
 */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(await powertoolsMiddlewares(logger))
  .use(logUnexpectedError(logger, "log delete batch failed"))
  .handler(runBatch);
