import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { CreateTableCommand, type DynamoDBClient, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import { BucketAlreadyOwnedByYou, CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueNameExists,
  SetQueueAttributesCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import dynalite from "dynalite";
import { buildApp, interceptLocalhostDns } from "fauxqs";
import { tableDefinition } from "../../shared/store/table-definitions.ts";
import { BucketFiles } from "./bucket-files.ts";
import { type FauxqsStores, QueueJournal } from "./queue-journal.ts";

export interface EmulatorEndpoints {
  dynamodb: string;
  sqs: string;
  /** fauxqs's S3, on the same port as its SQS (path-style: the bucket is the path's first segment). */
  s3: string;
  stop(): Promise<void>;
}

/** Ports to listen on (a restart takes its predecessor's), or 0 for any. */
export interface EmulatorPorts {
  dynamodb: number;
  sqs: number;
}

/**
 * The storage and queue emulators `npm start` embeds, on 127.0.0.1: dynalite (kept on disk under `dataDir`,
 * or in memory) and fauxqs (SQS, and S3 for log bodies). fauxqs keeps its queues and objects in memory
 * only; with a `dataDir`, a journal beside dynalite's files (queue-journal.ts) keeps the queued messages
 * across a crash or a restart, as SQS keeps them on AWS, and files under `s3/` (bucket-files.ts) the
 * buckets' objects.
 */
export async function startEmulators(
  dataDir: string | null,
  ports: EmulatorPorts = { dynamodb: 0, sqs: 0 },
): Promise<EmulatorEndpoints> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const dynamo: Server = dynalite({
    ...(dataDir ? { path: `${dataDir}/dynamodb` } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    dynamo.once("error", reject);
    dynamo.listen(ports.dynamodb, "127.0.0.1", resolve);
  });
  const journal = dataDir ? new QueueJournal(join(dataDir, "sqs-journal.ndjson")) : null;
  const bucketFiles = dataDir ? new BucketFiles(join(dataDir, "s3")) : null;
  const stores = journal ? await fauxqsStores() : undefined;
  if (bucketFiles && stores) bucketFiles.restoreInto(stores.s3Store);
  // fauxqs's own start function listens on every interface; its app is bound to loopback here instead.
  const fauxqs = buildApp({ logger: false, ...(stores ? { stores } : {}) });
  const sqsAddress = await fauxqs.listen({ port: ports.sqs, host: "127.0.0.1" });
  // Before the parent hears `ready`, so nothing is sent to a queue not yet restored.
  if (journal && stores) journal.restoreInto(stores.sqsStore, Number(new URL(sqsAddress).port));
  // Its queue URLs name hosts like sqs.us-east-1.localhost, which the SQS client calls directly: resolve
  // those to loopback within this process.
  const restoreDns = interceptLocalhostDns();
  return {
    dynamodb: `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`,
    // The same host the queue URLs name, so the SQS client's endpoint and queue URLs agree.
    sqs: sqsAddress.replace("127.0.0.1", "sqs.us-east-1.localhost"),
    s3: sqsAddress,
    async stop() {
      await fauxqs.close();
      journal?.close();
      restoreDns();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    },
  };
}

/**
 * New instances of fauxqs's three stores, which buildApp takes to serve from. Its package exports only its
 * entry point; the store classes sit beside it in the version pinned here (1.9), loaded by file URL.
 */
async function fauxqsStores(): Promise<FauxqsStores> {
  const entry = import.meta.resolve("fauxqs");
  const load = async (path: string, name: string) =>
    ((await import(new URL(path, entry).href)) as Record<string, new () => unknown>)[name];
  const SqsStore = await load("./sqs/sqsStore.js", "SqsStore");
  const SnsStore = await load("./sns/snsStore.js", "SnsStore");
  const S3Store = await load("./s3/s3Store.js", "S3Store");
  if (!SqsStore || !SnsStore || !S3Store) throw new Error("fauxqs's stores were not found where expected");
  return {
    sqsStore: new SqsStore() as FauxqsStores["sqsStore"],
    snsStore: new SnsStore() as FauxqsStores["snsStore"],
    s3Store: new S3Store() as FauxqsStores["s3Store"],
  };
}

export interface ProvisionedResources {
  configTable: string;
  logsTable: string;
  /** Cache entries and rate-limit counters (table-definitions.ts, role "state"). */
  stateTable: string;
  logQueueUrl: string;
  deadLetterQueueUrl: string;
  /** Log request and response bodies (LOG_BODIES_BUCKET). */
  logBodiesBucket: string;
  /** Log-delete jobs (LOG_DELETE_QUEUE_URL), with a dead-letter queue of their own. */
  logDeleteQueueUrl: string;
}

/**
 * How long a log-delete message stays hidden while the worker runs it: longer than the worker's budget
 * locally (LOG_DELETE_BUDGET_MS, 5 s under `npm start`) and a slice, so a message is never handed out
 * again while it runs.
 */
const LOG_DELETE_VISIBILITY_SECONDS = 30;

/**
 * Creates the tables, queues and bucket if they are missing (idempotent, so a restart or a shared emulator
 * is fine).
 */
export async function provisionResources(
  dynamodb: DynamoDBClient,
  sqs: SQSClient,
  s3: S3Client,
  names: { prefix: string; maxReceiveCount: number; visibilityTimeoutSeconds: number },
): Promise<ProvisionedResources> {
  const configTable = `${names.prefix}-config`;
  const logsTable = `${names.prefix}-logs`;
  const stateTable = `${names.prefix}-state`;
  for (const table of [configTable, logsTable, stateTable]) {
    try {
      await dynamodb.send(new CreateTableCommand(tableDefinition(table)));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${names.prefix}-logs-dlq` }));
  const dlqArn = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  const queue = await createOrUpdateQueue(sqs, `${names.prefix}-logs`, {
    VisibilityTimeout: String(names.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: dlqArn.Attributes?.QueueArn,
      maxReceiveCount: String(names.maxReceiveCount),
    }),
  });
  if (!queue.QueueUrl || !dlq.QueueUrl) throw new Error("The log queues could not be created");
  const deleteDlq = await sqs.send(new CreateQueueCommand({ QueueName: `${names.prefix}-log-deletes-dlq` }));
  const deleteDlqArn = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: deleteDlq.QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  const deleteQueue = await createOrUpdateQueue(sqs, `${names.prefix}-log-deletes`, {
    VisibilityTimeout: String(LOG_DELETE_VISIBILITY_SECONDS),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deleteDlqArn.Attributes?.QueueArn,
      maxReceiveCount: String(names.maxReceiveCount),
    }),
  });
  if (!deleteQueue.QueueUrl) throw new Error("The log-delete queue could not be created");
  const logBodiesBucket = `${names.prefix}-log-bodies`;
  try {
    await s3.send(new CreateBucketCommand({ Bucket: logBodiesBucket }));
  } catch (error) {
    if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
  }
  return {
    configTable,
    logsTable,
    stateTable,
    logQueueUrl: queue.QueueUrl,
    deadLetterQueueUrl: dlq.QueueUrl,
    logBodiesBucket,
    logDeleteQueueUrl: deleteQueue.QueueUrl,
  };
}

/**
 * CreateQueue, or, for a queue that exists with other settings (kept by the queue journal from a run with
 * other options), SetQueueAttributes: SQS refuses to create a queue again with different attributes.
 */
async function createOrUpdateQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ QueueUrl?: string }> {
  try {
    return await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  } catch (error) {
    if (!(error instanceof QueueNameExists)) throw error;
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
    return { QueueUrl };
  }
}
