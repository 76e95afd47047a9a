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

type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const queueUrl = process.argv[2] ?? "";
const deleteQueueUrl = process.argv[3] ?? "";
const pollers: QueuePoller[] = [];
exitWhenParentSays(async () => {
  await Promise.all(pollers.map((poller) => poller.stop()));
});
// fauxqs's queue URLs name sqs.<region>.localhost, which the poller's SQS client calls directly.
interceptLocalhostDns();

// Lambda's event source mapping, which the pollers stand for, costs the handlers no MD5 of each body.
const sqs = new SQSClient({ md5: false });

/** Feeds a queue to a function's handler, as the stack's event source mapping for that function does. */
async function poll(
  url: string,
  load: () => Promise<{ handler: unknown }>,
  name: string,
  options: { batchSize: number; batchingWindowMs: number },
): Promise<void> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
  );
  const poller = new QueuePoller(
    sqs,
    url,
    Attributes?.QueueArn ?? "",
    (await load()).handler as QueueHandler,
    (error) => console.error(`${name} poll failed:`, error),
    options,
  );
  pollers.push(poller);
  poller.start();
}

try {
  // The stack's event source mapping (infra/aws/constructs/ai-gateway.ts): batches of up to 25, filled
  // for up to 1 s. AIG_LOG_BATCHING_WINDOW_MS shortens the window (the tests use 0).
  await poll(queueUrl, () => import("../../functions/log-writer/handler.ts"), "log-writer", {
    batchSize: 25,
    batchingWindowMs: Number(process.env.AIG_LOG_BATCHING_WINDOW_MS ?? 1000) || 0,
  });
  // The stack's mapping of the log-delete queue: one message (one job's slices) per invocation.
  if (deleteQueueUrl) {
    await poll(deleteQueueUrl, () => import("../../functions/log-deleter/handler.ts"), "log-deleter", {
      batchSize: 1,
      batchingWindowMs: 0,
    });
  }
  tellParent({ type: "log-writer-started" });
} catch (error) {
  failStart(error);
}
