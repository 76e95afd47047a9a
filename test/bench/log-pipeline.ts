import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Target } from "./targets.ts";

/**
 * Our gateway's log pipeline, seen from outside: the SQS queue the proxy sends to and the logs API the
 * log-writer's records are read from. The harness waits for the queue to drain after each of our cells,
 * so that our log-writer's work never runs during another target's measurement.
 */
export class LogPipeline {
  private readonly sqs: SQSClient;

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
    this.sqs.destroy();
  }
}
