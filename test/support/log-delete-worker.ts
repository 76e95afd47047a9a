import { CreateQueueCommand } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { SQSEvent } from "aws-lambda";
import { QueuePoller } from "../../infra/local/queue-poller.ts";
import { LogDeleteJobs } from "../../shared/logs/log-delete-jobs.ts";
import { LogDeleteQueue } from "../../shared/logs/log-delete-message.ts";
import { type LogDeleteWorkerDependencies, runLogDeleteBatch } from "../../shared/logs/log-delete-worker.ts";
import { SdkSqsClient } from "../../shared/queue/sdk-sqs-client.ts";
import type { GatewayStore } from "../../shared/store/gateway-store.ts";
import { LogCounterStore } from "../../shared/store/log-counter-store.ts";
import { LogDeleteJobStore } from "../../shared/store/log-delete-job-store.ts";
import type { LogStore } from "../../shared/store/log-store.ts";
import { type RunningSqs, startSqs } from "./fauxqs.ts";
import { recordingLogger } from "./recording-logger.ts";

export interface RunningDeleteWorker {
  /** What the api (DELETE .../logs) and the log-writer (retention) start jobs with. */
  jobs: LogDeleteJobs;
  /** The worker's dependencies, to run messages by hand (`poll: false`). */
  worker: LogDeleteWorkerDependencies & { logger: ReturnType<typeof recordingLogger> };
  sqs: RunningSqs;
  queueUrl: string;
  stop(): Promise<void>;
}

/**
 * The log-delete queue on a real SQS emulator (fauxqs) and the worker over real stores: with `poll`, fed
 * by the local runtime's queue poller as the event source mapping feeds the function on AWS, one message
 * at a time; without, the test receives and runs messages itself, to look at a job between them.
 */
export async function startDeleteWorker(options: {
  client: DynamoDBDocumentClient;
  logsTable: string;
  logs: LogStore;
  gateways: Pick<GatewayStore, "get">;
  /** What retention jobs trim to; none by default. */
  retention?: LogDeleteWorkerDependencies["retention"];
  sliceSize?: number;
  budgetMs?: number;
  poll?: boolean;
  now?: () => number;
}): Promise<RunningDeleteWorker> {
  const sqs = await startSqs();
  const { QueueUrl: queueUrl = "" } = await sqs.client.send(
    new CreateQueueCommand({
      QueueName: `log-deletes-${Math.random().toString(36).slice(2, 10)}`,
      // A message that fails (one that arrived before its job's step) is back in a second.
      Attributes: { VisibilityTimeout: "1" },
    }),
  );
  const sender = new SdkSqsClient({
    endpoint: new URL(queueUrl).origin,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const queue = new LogDeleteQueue(sender, queueUrl);
  const store = new LogDeleteJobStore(options.client, options.logsTable, options.now);
  const sliceSize = options.sliceSize ?? 500;
  const worker = {
    jobs: store,
    logs: options.logs,
    counters: new LogCounterStore(options.client, options.logsTable, options.now),
    gateways: options.gateways,
    retention: options.retention ?? (async () => null),
    queue,
    logger: recordingLogger(),
    sliceSize,
    budgetMs: options.budgetMs ?? 0,
    ...(options.now ? { now: options.now } : {}),
  };
  const poller = options.poll
    ? new QueuePoller(
        sqs.client,
        queueUrl,
        "arn:aws:sqs:us-east-1:000000000000:log-deletes",
        async (event: SQSEvent) => ({
          batchItemFailures: (await runLogDeleteBatch(event.Records, worker)).map((itemIdentifier) => ({
            itemIdentifier,
          })),
        }),
        (error) => console.error("log-delete poll failed:", error),
        { batchSize: 1, batchingWindowMs: 0 },
      )
    : null;
  poller?.start();
  return {
    jobs: new LogDeleteJobs(store, queue, sliceSize, options.gateways, options.now),
    worker,
    sqs,
    queueUrl,
    async stop() {
      await poller?.stop(0);
      sender.destroy();
      await sqs.stop();
    },
  };
}
