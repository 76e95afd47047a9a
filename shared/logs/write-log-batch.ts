import type { StructuredLogger } from "../core/structured-logger.ts";
import { type LogEvent, logEventSchema } from "../schemas/log-event.ts";
import { type LogWriterDependencies, storeLogEvents } from "./store-log-event.ts";

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
  // The same log twice in one batch (SQS duplicates) is stored once, with one outcome for both messages.
  const events = new Map<string, LogEvent>();
  const keys = messages.map((message) => {
    try {
      const event = logEventSchema.parse(JSON.parse(message.body));
      const key = `${event.account_id}#${event.gateway_id}#${event.id}`;
      if (!events.has(key)) events.set(key, event);
      return { key };
    } catch (error) {
      return { error };
    }
  });
  // The batch's logs share their counter and analytics updates (store-log-event.ts).
  const outcomes = await storeLogEvents([...events.values()], deps);
  const outcomeOf = new Map([...events.keys()].map((key, index) => [key, outcomes[index]]));
  const results = keys.map((entry) =>
    "error" in entry
      ? { status: "rejected" as const, reason: entry.error }
      : outcomeOf.get(entry.key) === undefined
        ? { status: "fulfilled" as const }
        : { status: "rejected" as const, reason: outcomeOf.get(entry.key) },
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
