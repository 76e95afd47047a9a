import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, type DynamoDBClient, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import dynalite from "dynalite";
import { buildApp, interceptLocalhostDns } from "fauxqs";
import { tableDefinition } from "../../shared/store/table-definitions.ts";

export interface EmulatorEndpoints {
  dynamodb: string;
  sqs: string;
  stop(): Promise<void>;
}

/**
 * The storage and queue emulators `npm start` embeds, on 127.0.0.1 with ports chosen by the system:
 * dynalite (kept on disk under `dataDir`, or in memory) and fauxqs (in memory: queued log events are
 * short-lived, the stored logs are what must survive a restart).
 */
export async function startEmulators(dataDir: string | null): Promise<EmulatorEndpoints> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const dynamo: Server = dynalite({
    ...(dataDir ? { path: `${dataDir}/dynamodb` } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve) => dynamo.listen(0, "127.0.0.1", resolve));
  // fauxqs's own start function listens on every interface; its app is bound to loopback here instead.
  const fauxqs = buildApp({ logger: false });
  const sqsAddress = await fauxqs.listen({ port: 0, host: "127.0.0.1" });
  // Its queue URLs name hosts like sqs.us-east-1.localhost, which the SQS client calls directly: resolve
  // those to loopback within this process.
  const restoreDns = interceptLocalhostDns();
  return {
    dynamodb: `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`,
    // The same host the queue URLs name, so the SQS client's endpoint and queue URLs agree.
    sqs: sqsAddress.replace("127.0.0.1", "sqs.us-east-1.localhost"),
    async stop() {
      await fauxqs.close();
      restoreDns();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    },
  };
}

export interface ProvisionedResources {
  configTable: string;
  logsTable: string;
  /** Cache entries and rate-limit counters (table-definitions.ts, role "state"). */
  stateTable: string;
  logQueueUrl: string;
  deadLetterQueueUrl: string;
}

/** Creates the tables and queues if they are missing (idempotent, so a restart or a shared emulator is fine). */
export async function provisionResources(
  dynamodb: DynamoDBClient,
  sqs: SQSClient,
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
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${names.prefix}-logs`,
      Attributes: {
        VisibilityTimeout: String(names.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn.Attributes?.QueueArn,
          maxReceiveCount: String(names.maxReceiveCount),
        }),
      },
    }),
  );
  if (!queue.QueueUrl || !dlq.QueueUrl) throw new Error("The log queues could not be created");
  return {
    configTable,
    logsTable,
    stateTable,
    logQueueUrl: queue.QueueUrl,
    deadLetterQueueUrl: dlq.QueueUrl,
  };
}
