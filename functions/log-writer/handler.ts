import middy from "@middy/core";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { parseLogWriterEnv } from "../../shared/config/env.ts";
import { createLogger } from "../../shared/config/logger.ts";
import { exportStoredLogs, storedLogEvents } from "../../shared/logs/export/log-exporter.ts";
import { logExporterFromEnv } from "../../shared/logs/export/log-exporter-from-env.ts";
import { gatewayRetention } from "../../shared/logs/gateway-retention.ts";
import { LogDeleteJobs } from "../../shared/logs/log-delete-jobs.ts";
import { LogDeleteQueue } from "../../shared/logs/log-delete-message.ts";
import { type LogWriterDependencies, writeLogBatch } from "../../shared/logs/write-log-batch.ts";
import { otelSpanSenderFromEnv } from "../../shared/observability/otel/otel-span-sender-from-env.ts";
import { SdkSqsClient } from "../../shared/queue/sdk-sqs-client.ts";
import { AnalyticsStore } from "../../shared/store/analytics-store.ts";
import { createDocumentClient } from "../../shared/store/dynamo-client.ts";
import { GatewayStore } from "../../shared/store/gateway-store.ts";
import { LogCounterStore } from "../../shared/store/log-counter-store.ts";
import { LogDeleteJobStore } from "../../shared/store/log-delete-job-store.ts";
import { logStoreFromEnv } from "../../shared/store/log-store-from-env.ts";
import { logUnexpectedError, powertoolsMiddlewares } from "../lib/powertools-middlewares.ts";

const env = parseLogWriterEnv();
const logger = createLogger("ai-gateway-log-writer");
const documentClient = createDocumentClient();
const gateways = new GatewayStore(documentClient, env.CONFIG_TABLE_NAME);
const deps: LogWriterDependencies = {
  logs: logStoreFromEnv(documentClient, env),
  counters: new LogCounterStore(documentClient, env.LOGS_TABLE_NAME),
  analytics: new AnalyticsStore(documentClient, env.LOGS_TABLE_NAME),
  retention: gatewayRetention(gateways, env.GATEWAY_SETTINGS_CACHE_TTL_MS),
  logger,
  ttlDays: env.LOGS_TTL_DAYS,
  // DELETE_OLDEST's overflows past one slice become a log-delete job, run by the log-deleter function.
  ...(env.LOG_DELETE_QUEUE_URL
    ? {
        deleteJobs: new LogDeleteJobs(
          new LogDeleteJobStore(documentClient, env.LOGS_TABLE_NAME),
          new LogDeleteQueue(new SdkSqsClient(), env.LOG_DELETE_QUEUE_URL),
          env.LOG_DELETE_SLICE_SIZE,
          gateways,
        ),
      }
    : {}),
};
// Firehose (logExport=true) or local files; null when logs are not exported.
const exporter = logExporterFromEnv(env);
// A span per stored log to each gateway's OTLP endpoints (`otel`), best effort.
const spans = otelSpanSenderFromEnv(env, gateways, logger);

async function drainLogBatch(event: SQSEvent): Promise<SQSBatchResponse> {
  const messages = event.Records.map((record) => ({ messageId: record.messageId, body: record.body }));
  const failed = await writeLogBatch(messages, deps);
  if (exporter) failed.push(...(await exportStoredLogs(messages, failed, exporter, logger)));
  await spans.send(storedLogEvents(messages, failed));
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

/**
 * Drains the log queue into the logs table, reporting partial batch failures (ReportBatchItemFailures).
 * By hand rather than with Powertools' processPartialResponse, which runs one handler per record: the logs
 * of a batch share their counter and analytics updates (n + 5 DynamoDB calls for n logs instead of 6n,
 * docs/logging.md) and duplicates inside a batch are written once, which needs the whole batch at once.
 * middy carries Powertools' Lambda context into every log line; an error that escapes the batch is logged
 * with it and fails the invocation, so SQS hands the whole batch out again.
 */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(await powertoolsMiddlewares(logger))
  .use(logUnexpectedError(logger, "log batch failed"))
  .handler(drainLogBatch);
