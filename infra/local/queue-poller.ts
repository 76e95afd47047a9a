import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

/** SQS hands out at most 10 messages per ReceiveMessage and deletes at most 10 per DeleteMessageBatch. */
const SQS_MAX_MESSAGES = 10;
/** While a batching window is open and the queue is empty, how long to wait before asking again. */
const WINDOW_REPOLL_MS = 25;

export interface BatchSettings {
  /** The event source mapping's batchSize (the stack's: 25). */
  batchSize: number;
  /** Its maxBatchingWindow in ms (the stack's: 1 s); 0 invokes with whatever one receive returned. */
  batchingWindowMs: number;
}

/**
 * Feeds SQS batches to a handler the way a Lambda event source mapping with ReportBatchItemFailures does:
 * long-poll, then keep receiving until the batch is full or the batching window has passed since its
 * first message, invoke, delete what succeeded, and leave the reported failures (or the whole batch, if
 * the handler throws) on the queue. They come back after the visibility timeout, and the queue's redrive
 * policy moves a message that keeps failing to the dead-letter queue after maxReceiveCount. Filling the
 * batch as AWS does matters for cost: the log-writer's shared writes are paid once per batch.
 */
export class QueuePoller {
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly queueArn: string,
    private readonly handler: SqsHandler,
    private readonly onError: (error: unknown) => void,
    private readonly batch: BatchSettings = { batchSize: SQS_MAX_MESSAGES, batchingWindowMs: 0 },
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Stops polling, then drains what is already queued (for up to `drainMs`): the embedded queue lives in
   * memory, so a log event still queued at Ctrl-C would otherwise be lost.
   */
  async stop(drainMs = 5_000): Promise<void> {
    this.running = false;
    // The long poll in flight is left to finish (at most its 1 s wait), not aborted: a receive cut after
    // the queue handed out a message would hide that message for the visibility timeout, past the drain,
    // and the embedded queue would lose it at exit.
    await this.loop;
    const deadline = Date.now() + drainMs;
    while (Date.now() < deadline && (await this.pollOnce(0, false).catch(() => 0)) > 0) {}
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (error) {
        if (!this.running) return;
        this.onError(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** One receive-invoke-delete round; returns how many messages it saw. A drain does not wait to fill. */
  async pollOnce(waitSeconds = 1, fillWindow = true): Promise<number> {
    const Messages = await this.receive(Math.min(SQS_MAX_MESSAGES, this.batch.batchSize), waitSeconds);
    if (Messages.length === 0) return 0;
    const windowEnds = Date.now() + (fillWindow ? this.batch.batchingWindowMs : 0);
    while (Messages.length < this.batch.batchSize && Date.now() < windowEnds && this.running) {
      const more = await this.receive(Math.min(SQS_MAX_MESSAGES, this.batch.batchSize - Messages.length), 0);
      if (more.length === 0) await sleep(Math.min(WINDOW_REPOLL_MS, Math.max(windowEnds - Date.now(), 0)));
      Messages.push(...more);
    }

    let failedIds: Set<string>;
    try {
      const response = await this.handler(
        { Records: Messages.map((message) => this.toRecord(message)) },
        lambdaContext(),
      );
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      this.onError(error);
      failedIds = new Set(Messages.map((message) => message.MessageId ?? ""));
    }
    const succeeded = Messages.filter((message) => !failedIds.has(message.MessageId ?? ""));
    for (let start = 0; start < succeeded.length; start += SQS_MAX_MESSAGES) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: succeeded.slice(start, start + SQS_MAX_MESSAGES).map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
    }
    return Messages.length;
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    return Messages;
  }

  private toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId ?? "",
      receiptHandle: message.ReceiptHandle ?? "",
      body: message.Body ?? "",
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? "local",
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? "",
      eventSource: "aws:sqs",
      eventSourceARN: this.queueArn,
      awsRegion: "us-east-1",
    };
  }
}

/**
 * The context Lambda passes a handler, for the local runtime. A class, so that the methods live on its
 * prototype: built per request, an object of closures cost the front a closure each (and, under tsx, a
 * `__name` call each) on every request.
 */
class LocalLambdaContext implements Context {
  readonly callbackWaitsForEmptyEventLoop = false;
  readonly functionVersion = "$LATEST";
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB = "256";
  readonly awsRequestId = randomUUID();
  readonly logGroupName: string;
  readonly logStreamName = "local";
  readonly #deadline: number;

  constructor(
    readonly functionName: string,
    timeoutMs: number,
  ) {
    this.#deadline = Date.now() + timeoutMs;
    this.invokedFunctionArn = `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`;
    this.logGroupName = `/aws/lambda/${functionName}`;
  }

  getRemainingTimeInMillis(): number {
    return Math.max(0, this.#deadline - Date.now());
  }

  done(): void {}
  fail(): void {}
  succeed(): void {}
}

export function lambdaContext(functionName = "local", timeoutMs = 15 * 60 * 1000): Context {
  return new LocalLambdaContext(functionName, timeoutMs);
}
