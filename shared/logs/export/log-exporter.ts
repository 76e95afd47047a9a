import type { StructuredLogger } from "../../core/structured-logger.ts";
import { type LogEvent, logEventSchema } from "../../schemas/log-event.ts";
import type { QueuedMessage } from "../write-log-batch.ts";
import { type ExportRecord, exportRecordOf } from "./export-record.ts";

/** Where exported logs go: Firehose on AWS (firehose-log-exporter.ts), files locally (file-log-exporter.ts). */
export interface LogExporter {
  /** Delivers every record, or throws: then none of the batch counts as delivered. */
  export(records: ExportRecord[]): Promise<void>;
}

/**
 * Exports the logs of a batch the log-writer stored (every message not in `failed`), once per log, and
 * answers the ids of the messages whose export failed: they join the batch's failures, SQS delivers them
 * again, storing them again does nothing (store-log-event.ts applies a log once), and the export is tried
 * again. So every stored log reaches the export at least once; a retry after a partial failure can export a
 * log twice, which queries dedupe by `id` (docs/analytics.md). The failed messages are retried, and a log
 * that is never stored is never exported. A log that a STOP_INSERTING limit drops from the store is still
 * exported: the export describes traffic, like the analytics, not what the store keeps.
 */
export async function exportStoredLogs(
  messages: QueuedMessage[],
  failed: readonly string[],
  exporter: LogExporter,
  logger: StructuredLogger,
): Promise<string[]> {
  const failedIds = new Set(failed);
  const delivered = messages.filter((message) => !failedIds.has(message.messageId));
  const records = storedLogEvents(delivered, []).map(exportRecordOf);
  if (records.length === 0) return [];
  try {
    await exporter.export(records);
    return [];
  } catch (error) {
    logger.error("log export failed; the logs are retried", {
      logs: records.length,
      reason: error instanceof Error ? error.message.slice(0, 500) : String(error),
    });
    return delivered.map((message) => message.messageId);
  }
}

/** The log events of the messages not in `failed` (stored, so they parsed in writeLogBatch), each log once. */
export function storedLogEvents(messages: QueuedMessage[], failed: readonly string[]): LogEvent[] {
  const failedIds = new Set(failed);
  const events = new Map<string, LogEvent>();
  for (const message of messages) {
    if (failedIds.has(message.messageId)) continue;
    const event = logEventSchema.parse(JSON.parse(message.body));
    events.set(`${event.account_id}#${event.gateway_id}#${event.id}`, event);
  }
  return [...events.values()];
}
