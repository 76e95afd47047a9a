import { setTimeout as sleep } from "node:timers/promises";
import { retryKind } from "../aws/aws-retry.ts";
import type { StructuredLogger } from "../core/structured-logger.ts";
import type { LogEvent } from "../schemas/log-event.ts";
import { SqsError } from "./sqs-error.ts";
import type { SqsSendClient } from "./sqs-send-client.ts";

export interface LogSink {
  /** Hands one log event on; never rejects. Resolves once the event is queued (or in the fallback log). */
  send(event: LogEvent): Promise<void>;
}

/** CloudWatch rejects log lines over 256 KB: past this, the fallback line carries the log without its bodies. */
const MAX_FALLBACK_LINE_BYTES = 200 * 1024;
/** SQS takes at most 10 messages per SendMessageBatch. */
const MAX_BATCH_ENTRIES = 10;
/**
 * What one SendMessageBatch may carry in all: 256 KiB, the limit of the emulators and of SQS before its
 * 1 MiB raise, so batching works with both. A larger event (a log with big bodies) goes alone.
 */
const MAX_BATCH_BYTES = 256 * 1024 - 8 * 1024;

export interface SqsLogSinkOptions {
  /**
   * How long an event may wait for others to share its SendMessageBatch (LOG_BATCH_LINGER_MS). 0 (the
   * default, and the stack's setting) sends at the end of the current event-loop turn: a Lambda instance
   * serves one request at a time, so there is nothing to wait for, and the invocation must not last
   * longer. The local runtime serves many requests in one process and waits a few ms, which turns ten
   * SendMessage calls into one under load (docs/benchmarks.md).
   */
  lingerMs?: number;
  /**
   * How long a send that failed for a reason that may pass (SQS unreachable, throttling, 5xx, the queue not
   * there yet) is tried again before the event goes to the fallback log line (LOG_QUEUE_RETRY_MS). 0 (the
   * default, and the stack's setting) leaves only the client's own attempts: on AWS SQS is there, and a
   * Lambda kept waiting is billed. The local runtime's queue is an emulator that a crash restarts in a
   * second or two, so it waits that long rather than leave its logs in the console.
   */
  retryForMs?: number;
  onFailure?: () => void;
}

/** The longest wait between two of those attempts. */
const MAX_RETRY_WAIT_MS = 1_000;

interface Pending {
  body: string;
  event: LogEvent;
  done: () => void;
}

/**
 * Sends log events to the SQS queue the log-writer drains, several per SendMessageBatch when they come
 * close together, through the lean SQS client (lean-sqs-client.ts). If SQS refuses an event or cannot be
 * reached, the event is written to the structured log (CloudWatch on AWS) under the message "log event
 * not queued", so it is never lost silently and can be replayed from there, and `onFailure` is told (the
 * proxy counts it as the LogPipelineFailures metric, which an operator can alarm on). `send` resolves only once its event has been sent or logged, so a
 * Lambda handler that awaits it (waitUntil) never ends with an event still waiting.
 */
export class SqsLogSink implements LogSink {
  private batch: Pending[] = [];
  private batchBytes = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private readonly lingerMs: number;
  private readonly retryForMs: number;
  private readonly onFailure: () => void;

  constructor(
    private readonly sqs: SqsSendClient,
    private readonly queueUrl: string,
    private readonly logger: StructuredLogger,
    options: SqsLogSinkOptions | (() => void) = {},
  ) {
    const settings = typeof options === "function" ? { onFailure: options } : options;
    this.lingerMs = settings.lingerMs ?? 0;
    this.retryForMs = settings.retryForMs ?? 0;
    this.onFailure = settings.onFailure ?? (() => {});
  }

  send(event: LogEvent): Promise<void> {
    const body = JSON.stringify(event);
    const bytes = Buffer.byteLength(body);
    if (bytes > MAX_BATCH_BYTES) return this.sendAlone(event, body);
    return new Promise((resolve) => {
      if (this.batchBytes + bytes > MAX_BATCH_BYTES) this.flush();
      this.batch.push({ body, event, done: resolve });
      this.batchBytes += bytes;
      if (this.batch.length >= MAX_BATCH_ENTRIES) this.flush();
      else
        this.timer ??=
          this.lingerMs > 0
            ? setTimeout(() => this.flush(), this.lingerMs)
            : setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = undefined;
    }
    const batch = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    if (batch.length === 0) return;
    void this.sendBatch(batch).finally(() => {
      for (const pending of batch) pending.done();
    });
  }

  private async sendBatch(batch: Pending[]): Promise<void> {
    if (batch.length === 1 && batch[0]) return this.sendAlone(batch[0].event, batch[0].body);
    try {
      const { Failed } = await this.retrying(() =>
        this.sqs.sendMessageBatch({
          QueueUrl: this.queueUrl,
          Entries: batch.map((pending, index) => ({ Id: String(index), MessageBody: pending.body })),
        }),
      );
      for (const failure of Failed) {
        const pending = batch[Number(failure.Id)];
        if (pending) this.fallBack(pending.event, pending.body, `${failure.Code}: ${failure.Message ?? ""}`);
      }
    } catch (error) {
      for (const pending of batch) this.fallBack(pending.event, pending.body, error);
    }
  }

  private async sendAlone(event: LogEvent, body: string): Promise<void> {
    try {
      await this.retrying(() => this.sqs.sendMessage({ QueueUrl: this.queueUrl, MessageBody: body }));
    } catch (error) {
      this.fallBack(event, body, error);
    }
  }

  /** Runs `call`, again while it fails for a reason that may pass, until retryForMs has gone by. */
  private async retrying<T>(call: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.retryForMs;
    for (let failures = 1; ; failures++) {
      try {
        return await call();
      } catch (error) {
        const left = deadline - Date.now();
        if (left <= 0 || !mayPass(error)) throw error;
        await sleep(Math.min(MAX_RETRY_WAIT_MS, 50 * 2 ** failures, left));
      }
    }
  }

  private fallBack(event: LogEvent, body: string, error: unknown): void {
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

/**
 * Whether another attempt later may succeed: what the AWS retry rules retry (aws-retry.ts), and a queue that
 * does not exist, which a restarted emulator creates again within moments.
 */
function mayPass(error: unknown): boolean {
  if (retryKind(error)) return true;
  return (
    error instanceof SqsError &&
    (error.code === "QueueDoesNotExist" || error.queryErrorCode === "AWS.SimpleQueueService.NonExistentQueue")
  );
}
