/**
 * Child process of the local runtime (started by backend.ts): the log-writer handler, fed by a queue poller
 * as Lambda's event source mapping feeds it on AWS, where it runs apart from the proxy; and the log-deleter
 * handler, fed the same way from its own queue, one message at a time. Its environment is the handlers'
 * (the tables, the queues); the log queue's URL and the log-delete queue's are its arguments. Tells the
 * parent `log-writer-started` once it polls; on `stop` drains the queues and exits (child-lifecycle.ts).
 */
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { interceptLocalhostDns } from "fauxqs";
import { exitWhenParentSays, failStart, tellParent } from "./child-lifecycle.ts";
import { QueuePoller } from "./queue-poller.ts";

type LogWriterHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const queueUrl = process.argv[2] ?? "";
const deleteQueueUrl = process.argv[3] ?? "";
let poller: QueuePoller | null = null;
let deletePoller: QueuePoller | null = null;
exitWhenParentSays(async () => {
  await Promise.all([poller?.stop(), deletePoller?.stop()]);
});
// fauxqs's queue URLs name sqs.<region>.localhost, which the poller's SQS client calls directly.
interceptLocalhostDns();

try {
  // Lambda's event source mapping, which the poller stands for, costs the log-writer no MD5 of each body.
  const sqs = new SQSClient({ md5: false });
  const queueArn = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
  );
  const logWriter = (await import("../../functions/log-writer/handler.ts"))
    .handler as unknown as LogWriterHandler;
  poller = new QueuePoller(
    sqs,
    queueUrl,
    queueArn.Attributes?.QueueArn ?? "",
    logWriter,
    (error) => console.error("log-writer poll failed:", error),
    // The stack's event source mapping (infra/aws/constructs/ai-gateway.ts): batches of up to 25, filled
    // for up to 1 s. AIG_LOG_BATCHING_WINDOW_MS shortens the window (the tests use 0).
    { batchSize: 25, batchingWindowMs: Number(process.env.AIG_LOG_BATCHING_WINDOW_MS ?? 1000) || 0 },
  );
  poller.start();
  if (deleteQueueUrl) {
    const deleteQueueArn = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: deleteQueueUrl, AttributeNames: ["QueueArn"] }),
    );
    const logDeleter = (await import("../../functions/log-deleter/handler.ts"))
      .handler as unknown as LogWriterHandler;
    // The stack's mapping of the log-delete queue: one message (one job's slices) per invocation.
    deletePoller = new QueuePoller(
      sqs,
      deleteQueueUrl,
      deleteQueueArn.Attributes?.QueueArn ?? "",
      logDeleter,
      (error) => console.error("log-deleter poll failed:", error),
      { batchSize: 1, batchingWindowMs: 0 },
    );
    deletePoller.start();
  }
  tellParent({ type: "log-writer-started" });
} catch (error) {
  failStart(error);
}
