import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { interceptLocalhostDns } from "fauxqs";
import { createS3Client } from "../../shared/store/s3-client.ts";
import { localAdminToken } from "./admin-token.ts";
import { startBackend } from "./backend.ts";
import { provisionResources } from "./emulators.ts";
import { type FrontOptions, startFront } from "./front.ts";
import { startFrontPool } from "./front-pool.ts";

export interface LocalGatewayOptions {
  port?: number;
  /** Where dynalite keeps its data; null keeps everything in memory. */
  dataDir: string | null;
  accountId?: string;
  adminToken?: string;
  /** Extra environment for the handlers (UPSTREAM_*_URL, UPSTREAM_TIMEOUT_MS, ...). */
  env?: Record<string, string>;
  /** How many times the log queue delivers a message before moving it to the dead-letter queue. */
  maxReceiveCount?: number;
  /** Seconds a received log message stays hidden before a retry (small locally, so retries are quick). */
  visibilityTimeoutSeconds?: number;
  /**
   * Processes serving the front and the handlers: 1 (the default) serves in this process; more run a pool
   * of child processes sharing the port (front-pool.ts), as `npm start` does.
   */
  workers?: number;
  /** Told about every finished request, in whichever front process served it: `npm start`'s access log. */
  onAccess?: FrontOptions["onAccess"];
}

export interface LocalGateway {
  url: string;
  accountId: string;
  adminToken: string;
  /** Where the admin token came from, so the start banner shows it only when it was just generated. */
  adminTokenSource: "environment" | "file" | "generated";
  adminTokenFile: string | null;
  deadLetterQueueUrl: string;
  logQueueUrl: string;
  sqs: SQSClient;
  stop(): Promise<void>;
}

/**
 * The gateway on one machine: the same three Lambda handlers as on AWS. What the proxy and api Lambdas run,
 * behind an HTTP front that builds API Gateway's events (front.ts), runs in this process, or with `workers`
 * in a pool of child processes (front-pool.ts); other child processes (backend.ts) run what lives beside
 * them on AWS: DynamoDB, SQS and S3 from embedded emulators (or AWS_ENDPOINT_URL_DYNAMODB /
 * AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL_S3 when set) and the log-writer fed by a queue poller.
 * Handlers read their configuration from the environment at import, so one process runs one local gateway.
 */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const external = {
    dynamodb: process.env.AWS_ENDPOINT_URL_DYNAMODB,
    sqs: process.env.AWS_ENDPOINT_URL_SQS,
    s3: process.env.AWS_ENDPOINT_URL_S3,
  };
  const backend = await startBackend({
    dataDir: options.dataDir,
    emulators: !external.dynamodb || !external.sqs || !external.s3,
  });
  const endpoints = {
    dynamodb: external.dynamodb ?? backend.endpoints?.dynamodb,
    sqs: external.sqs ?? backend.endpoints?.sqs,
    s3: external.s3 ?? backend.endpoints?.s3,
  };
  // fauxqs's queue URLs name hosts like sqs.us-east-1.localhost, which the SQS client calls directly:
  // resolve those to loopback within this process too.
  const restoreDns = interceptLocalhostDns();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoints.dynamodb;
  process.env.AWS_ENDPOINT_URL_SQS = endpoints.sqs;
  process.env.AWS_ENDPOINT_URL_S3 = endpoints.s3;
  process.env.AWS_REGION ??= "us-east-1";
  if (backend.endpoints && !process.env.AWS_ACCESS_KEY_ID) {
    // The emulators accept any credentials; the SDK insists on having some.
    process.env.AWS_ACCESS_KEY_ID = "local";
    process.env.AWS_SECRET_ACCESS_KEY = "local";
  }

  const sqs = new SQSClient({});
  const dynamodb = new DynamoDBClient({});
  const s3 = createS3Client();
  const names = {
    prefix: "ai-gateway",
    maxReceiveCount: options.maxReceiveCount ?? 5,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 5,
  };
  const resources = await provisionResources(dynamodb, sqs, s3, names);
  // Emulators started again after a crash keep what is on disk (and the queue journal), but in memory
  // (--memory) they start empty: the tables and queues are made again, at the same names and URLs.
  backend.whenEmulatorsRestart(async () => {
    await provisionResources(dynamodb, sqs, s3, names);
  });
  const accountId = options.accountId ?? process.env.ACCOUNT_ID ?? "local";
  const admin = localAdminToken(options.adminToken ?? process.env.AIG_API_TOKEN, options.dataDir);
  const adminToken = admin.token;
  Object.assign(process.env, {
    // The local runtime runs on your machine: overrides to loopback (a mock, a local model server) are expected.
    TRUSTED_UPSTREAM_HOSTS: process.env.TRUSTED_UPSTREAM_HOSTS ?? "127.0.0.1,localhost,::1",
    // CloudWatch metrics (EMF lines) and X-Ray belong to AWS; locally they would only flood the console.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? "true",
    POWERTOOLS_TRACE_ENABLED: process.env.POWERTOOLS_TRACE_ENABLED ?? "false",
    // A front process serves many requests at once here (on AWS each instance serves one at a time): log
    // events that finish within a few ms of each other share one SendMessageBatch.
    LOG_BATCH_LINGER_MS: process.env.LOG_BATCH_LINGER_MS ?? "5",
    // The embedded queue is an emulator that is started again if it dies: a log event waits for it (up to
    // a minute) rather than end up only in the console.
    LOG_QUEUE_RETRY_MS: process.env.LOG_QUEUE_RETRY_MS ?? "60000",
    PROVIDER_KEYS_MASTER_KEY_FILE:
      process.env.PROVIDER_KEYS_MASTER_KEY_FILE ?? masterKeyFile(options.dataDir),
    ACCOUNT_ID: accountId,
    AIG_API_TOKEN: adminToken,
    CONFIG_TABLE_NAME: resources.configTable,
    LOGS_TABLE_NAME: resources.logsTable,
    STATE_TABLE_NAME: resources.stateTable,
    LOG_QUEUE_URL: resources.logQueueUrl,
    LOG_BODIES_BUCKET: resources.logBodiesBucket,
    LOG_DELETE_QUEUE_URL: resources.logDeleteQueueUrl,
    // Under the log-delete queue's visibility timeout here (emulators.ts), as 60 s is under the function's on AWS.
    LOG_DELETE_BUDGET_MS: process.env.LOG_DELETE_BUDGET_MS ?? "5000",
    ...options.env,
  });

  // The log-writer and the log-deleter run in a child process with the same environment as the handlers here.
  await backend.startLogWriter(
    definedEntries(process.env),
    resources.logQueueUrl,
    resources.logDeleteQueueUrl,
  );
  const port = options.port ?? 8787;
  const workers = options.workers ?? 1;
  const front = await (workers > 1
    ? startFrontPool({ workers, port, onAccess: options.onAccess })
    : startFront({ port, accountId, onAccess: options.onAccess })
  ).catch(async (error: unknown) => {
    await backend.stop();
    restoreDns();
    throw error;
  });
  return {
    url: front.url,
    accountId,
    adminToken,
    adminTokenSource: admin.source,
    adminTokenFile: admin.file,
    deadLetterQueueUrl: resources.deadLetterQueueUrl,
    logQueueUrl: resources.logQueueUrl,
    sqs,
    async stop() {
      backend.stopRestarting();
      // The front first, so that every log event is on the queue before the backend drains it.
      await front.stop();
      await backend.stop();
      restoreDns();
    },
  };
}

function definedEntries(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** Where the master key that seals stored provider keys lives: `.data/master-key`, or a temp file with --memory. */
function masterKeyFile(dataDir: string | null): string {
  if (dataDir) return join(dataDir, "master-key");
  return join(mkdtempSync(join(tmpdir(), "ai-gateway-")), "master-key");
}
