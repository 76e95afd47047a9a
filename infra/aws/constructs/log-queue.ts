import { Duration } from "aws-cdk-lib";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

/** Receives before a message is moved to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

export interface LogQueueProps {
  /** The timeout of the function that consumes the queue, which the visibility timeout is derived from. */
  consumerTimeout: Duration;
  /** The event source mapping's batching window, which also counts against the visibility timeout. */
  maxBatchingWindow: Duration;
}

/**
 * The queue between the proxy (one log event a request, sent after the response has been streamed) and
 * the log-writer, with a dead-letter queue so a poison event cannot block the queue or be lost.
 */
export class LogQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: LogQueueProps) {
    super(scope, id);

    this.deadLetterQueue = new Queue(this, "DeadLetterQueue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The SQS maximum: two weeks to notice, fix and redrive.
      retentionPeriod: Duration.days(14),
    });

    this.queue = new Queue(this, "Queue", {
      // SQS-managed SSE: encrypted at rest with no KMS key to pay for or to grant on producers and consumers.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for Lambda event sources: at least 6x the function timeout plus the batching
      // window, so a batch still being retried by the poller is not handed to a second invocation.
      visibilityTimeout: Duration.seconds(
        6 * props.consumerTimeout.toSeconds() + props.maxBatchingWindow.toSeconds(),
      ),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}
