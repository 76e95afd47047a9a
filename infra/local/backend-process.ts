/**
 * Child process of the local runtime (started by backend.ts): what runs beside the proxy on AWS rather
 * than in it. The emulators (dynalite, fauxqs) stand for DynamoDB and SQS, and the queue poller feeds the
 * log-writer handler as Lambda's event source mapping does. In a process of their own they do not compete
 * with the proxy on its event loop, as they do not on AWS: storing a log costs several times the CPU of
 * proxying the request it records (docs/benchmarks.md).
 *
 * Messages from the parent, in order: `start-log-writer` (the handlers' environment, once the parent has
 * provisioned the tables and queues), then `stop` (drain the queue, close the emulators, exit). The child
 * ignores SIGINT: Ctrl-C reaches the whole process group, and the parent decides the order of shutdown
 * (close the front first, so the last log events are queued before the drain). If the parent goes away
 * without a word, the child drains and exits on its own.
 */
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { interceptLocalhostDns } from "fauxqs";
import type { BackendMessage, ParentMessage } from "./backend-messages.ts";
import { type EmulatorEndpoints, startEmulators } from "./emulators.ts";
import { QueuePoller } from "./queue-poller.ts";

type LogWriterHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const send = (message: BackendMessage) => process.send?.(message);
const dataDir = process.env.AIG_LOCAL_DATA_DIR || null;
const withEmulators = process.env.AIG_LOCAL_EMULATORS === "true";

process.on("SIGINT", () => {});
// fauxqs's queue URLs name sqs.<region>.localhost, which the poller's SQS client calls directly.
interceptLocalhostDns();

let emulators: EmulatorEndpoints | null = null;
let poller: QueuePoller | null = null;
let stopping: Promise<void> | null = null;

function stop(): Promise<void> {
  stopping ??= (async () => {
    await poller?.stop();
    await emulators?.stop();
  })();
  return stopping;
}

async function startLogWriter(env: Record<string, string>, queueUrl: string): Promise<void> {
  Object.assign(process.env, env);
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
}

process.on("message", (message: ParentMessage) => {
  if (message.type === "start-log-writer") {
    startLogWriter(message.env, message.queueUrl).then(
      () => send({ type: "log-writer-started" }),
      (error: unknown) => send({ type: "failed", message: String(error) }),
    );
  } else if (message.type === "stop") {
    stop().finally(() => process.exit(0));
  }
});
process.on("disconnect", () => {
  stop().finally(() => process.exit(0));
});

try {
  emulators = withEmulators ? await startEmulators(dataDir) : null;
  send({
    type: "ready",
    endpoints: emulators ? { dynamodb: emulators.dynamodb, sqs: emulators.sqs } : null,
  });
} catch (error) {
  send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
