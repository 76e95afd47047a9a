import { z } from "zod";
import type { SqsSendClient } from "../queue/sqs-send-client.ts";

/**
 * One message of the log-delete queue: "run job `job_id` from its step `step`". The job's state (cursor,
 * counts) is in its record (shared/store/log-delete-job-store.ts), so a message is small and a stale one
 * (a redelivery, a duplicate) is recognised by its step.
 */
export const logDeleteMessageSchema = z.strictObject({
  job_id: z.string().min(1).max(64),
  account_id: z.string().min(1).max(64),
  gateway_id: z.string().min(1).max(64),
  step: z.number().int().min(0),
});

export type LogDeleteMessage = z.infer<typeof logDeleteMessageSchema>;

/** Sends log-delete messages to their queue (LOG_DELETE_QUEUE_URL). */
export class LogDeleteQueue {
  constructor(
    private readonly sqs: Pick<SqsSendClient, "sendMessage">,
    private readonly queueUrl: string,
  ) {}

  async send(message: LogDeleteMessage): Promise<void> {
    await this.sqs.sendMessage({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) });
  }
}
