import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { logWriterPidsOf } from "./processes.ts";
import { BENCH_ADMIN_TOKEN, type Stack } from "./stack.ts";
import type { Target } from "./targets.ts";

/**
 * Our gateway's log pipeline, seen from outside: the SQS queue the proxy sends to and the logs API the
 * log-writer's records are read from. The harness waits for the queue to drain after each of our cells,
 * so that our log-writer's work never runs during another target's measurement, and can pause the
 * log-writer while a cell runs, as AWS runs it: on other machines, taking none of the proxy's CPU.
 */
export class LogPipeline {
  private readonly sqs: SQSClient;
  private pausedPids: number[] = [];

  constructor(
    sqsEndpoint: string,
    private readonly queueUrl: string,
    private readonly ours: Target,
    private readonly adminToken: string,
  ) {
    // fauxqs names its host sqs.<region>.localhost; the endpoint is the same server by address.
    const endpoint = new URL(sqsEndpoint);
    endpoint.hostname = "127.0.0.1";
    this.sqs = new SQSClient({
      endpoint: endpoint.origin,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
  }

  /** Messages queued or in flight. */
  async backlog(): Promise<number> {
    const { Attributes } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }

  /** Waits (bounded) until the queue is empty; returns how long it took, in ms. */
  async drain(maxMs = 120_000): Promise<number> {
    const started = performance.now();
    while (performance.now() - started < maxMs) {
      if ((await this.backlog()) === 0) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`our log queue did not drain within ${maxMs} ms`);
  }

  /**
   * Stops our log-writer process (its queue poller and handler) with SIGSTOP, by pid: the proxy still sends
   * every log event to the queue, which fills until resume(). A receive the poller had in flight when it
   * stopped may hand it up to one batch that it processes after resume (after the local visibility timeout of
   * 5 s the queue hands those out again: the log-writer's exactly-once bookkeeping stores each log once).
   */
  pause(): void {
    if (this.pausedPids.length > 0) return;
    this.pausedPids = logWriterPidsOf(this.ours.pid);
    if (this.pausedPids.length === 0) throw new Error("our gateway has no log-writer process to pause");
    for (const pid of this.pausedPids) process.kill(pid, "SIGSTOP");
  }

  /** Lets the paused log-writer run again (SIGCONT); it then drains the queue. */
  resume(): void {
    for (const pid of this.pausedPids) {
      try {
        process.kill(pid, "SIGCONT");
      } catch {
        // It exited meanwhile: nothing to resume.
      }
    }
    this.pausedPids = [];
  }

  /** How many logs the default gateway holds, from the logs API's result_info.total_count. */
  async storedLogs(): Promise<number> {
    const accountId = this.ours.path.split("/")[2];
    const response = await fetch(
      `${this.ours.origin}/client/v4/accounts/${accountId}/ai-gateway/gateways/default/logs?per_page=1`,
      { headers: { authorization: `Bearer ${this.adminToken}` } },
    );
    const body = (await response.json()) as { result_info?: { total_count?: number } };
    return Number(body.result_info?.total_count ?? Number.NaN);
  }

  close(): void {
    this.resume();
    this.sqs.destroy();
  }
}

/** Our gateway's target in a started stack, and its log pipeline: every tool that measures ours needs both. */
export function oursWithPipeline(stack: Stack): { ours: Target; pipeline: LogPipeline } {
  const ours = stack.targets.find((target) => target.name === "ours");
  if (!ours) throw new Error("no target for our gateway");
  const queueUrl = stack.oursEnv.LOG_QUEUE_URL ?? "";
  return {
    ours,
    pipeline: new LogPipeline(String(stack.emulators.info.sqs), queueUrl, ours, BENCH_ADMIN_TOKEN),
  };
}
