import type { StructuredLogger } from "../core/structured-logger.ts";
import { logEventSchema } from "../schemas/log-event.ts";
import { type LogWriterDependencies, storeLogEvent } from "./store-log-event.ts";

export type { LogWriterDependencies } from "./store-log-event.ts";

export interface QueuedMessage {
  messageId: string;
  body: string;
}

/**
 * Stores a batch of queued log events and returns the ids of the messages that failed, for SQS's
 * partial batch response: those stay on the queue, are retried, and land in the dead-letter queue after
 * maxReceiveCount tries. A malformed message fails every time and so ends there too, where it can be
 * inspected; it is never dropped silently. A retried message is applied once (store-log-event.ts).
 */
export async function writeLogBatch(
  messages: QueuedMessage[],
  deps: LogWriterDependencies,
  logger: StructuredLogger = deps.logger,
): Promise<string[]> {
  // The same log twice in one batch (SQS duplicates) is stored by one task that both messages share.
  const byLogId = new Map<string, Promise<void>>();
  const results = await Promise.allSettled(
    messages.map(async (message) => {
      const event = logEventSchema.parse(JSON.parse(message.body));
      const key = `${event.account_id}#${event.gateway_id}#${event.id}`;
      let stored = byLogId.get(key);
      if (!stored) {
        stored = storeLogEvent(event, deps);
        byLogId.set(key, stored);
      }
      await stored;
    }),
  );
  const failed: string[] = [];
  results.forEach((result, index) => {
    const message = messages[index];
    if (result.status === "rejected" && message) {
      failed.push(message.messageId);
      logger.error("log event not stored", {
        message_id: message.messageId,
        reason: result.reason instanceof Error ? result.reason.message.slice(0, 500) : String(result.reason),
      });
    }
  });
  return failed;
}
