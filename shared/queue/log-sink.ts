import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { StructuredLogger } from "../core/structured-logger.ts";
import type { LogEvent } from "../schemas/log-event.ts";

export interface LogSink {
  /** Hands one log event on; never rejects. */
  send(event: LogEvent): Promise<void>;
}

/** CloudWatch rejects log lines over 256 KB: past this, the fallback line carries the log without its bodies. */
const MAX_FALLBACK_LINE_BYTES = 200 * 1024;

/**
 * Sends log events to the SQS queue the log-writer drains. If SQS refuses or cannot be reached, the event
 * is written to the structured log (CloudWatch on AWS) under the message "log event not queued", so it is
 * never lost silently and can be replayed from there, and `onFailure` is told (the proxy counts it as the
 * LogPipelineFailures metric, which an operator can alarm on).
 */
export class SqsLogSink implements LogSink {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly logger: StructuredLogger,
    private readonly onFailure: () => void = () => {},
  ) {}

  async send(event: LogEvent): Promise<void> {
    const body = JSON.stringify(event);
    try {
      await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }));
    } catch (error) {
      const withBodies = body.length <= MAX_FALLBACK_LINE_BYTES;
      this.logger.error("log event not queued", {
        reason: error instanceof Error ? error.message : String(error),
        bodies_omitted: !withBodies,
        log_event: withBodies ? event : { ...event, request_body: null, response_body: null },
      });
      try {
        this.onFailure();
      } catch {
        // Counting a failure must not turn into one: the event is in the log line above.
      }
    }
  }
}
