import { mkdtempSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { interceptLocalhostDns } from "fauxqs";
import { localAdminToken } from "./admin-token.ts";
import { buildApiGatewayEvent, parseRequestTarget } from "./api-gateway-event.ts";
import { startBackend } from "./backend.ts";
import { provisionResources } from "./emulators.ts";
import { installLambdaGlobals } from "./lambda-globals.ts";
import { LocalResponseStream } from "./local-response-stream.ts";
import { lambdaContext } from "./queue-poller.ts";
import { readBody } from "./request-body.ts";
import { matchRoute } from "./routes.ts";

/** How long stop() waits for running invocations to finish queueing their log events. */
const INVOCATION_DRAIN_MS = 5_000;

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

type StreamingHandler = (
  event: APIGatewayProxyEvent,
  stream: LocalResponseStream,
  context: Context,
) => Promise<void>;
type BufferedHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * The gateway on one machine: the same three Lambda handlers as on AWS. This process runs what the proxy
 * and api Lambdas run, behind an HTTP front that builds API Gateway's events; child processes (backend.ts)
 * run what lives beside them on AWS: DynamoDB and SQS from embedded emulators (or AWS_ENDPOINT_URL_DYNAMODB /
 * AWS_ENDPOINT_URL_SQS when set) and the log-writer fed by a queue poller.
 * Handlers read their configuration from the environment at import, so one process runs one local gateway.
 */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const external = { dynamodb: process.env.AWS_ENDPOINT_URL_DYNAMODB, sqs: process.env.AWS_ENDPOINT_URL_SQS };
  const backend = await startBackend({
    dataDir: options.dataDir,
    emulators: !external.dynamodb || !external.sqs,
  });
  const endpoints = {
    dynamodb: external.dynamodb ?? backend.endpoints?.dynamodb,
    sqs: external.sqs ?? backend.endpoints?.sqs,
  };
  // fauxqs's queue URLs name hosts like sqs.us-east-1.localhost, which the SQS client calls directly:
  // resolve those to loopback within this process too.
  const restoreDns = interceptLocalhostDns();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoints.dynamodb;
  process.env.AWS_ENDPOINT_URL_SQS = endpoints.sqs;
  process.env.AWS_REGION ??= "us-east-1";
  if (backend.endpoints && !process.env.AWS_ACCESS_KEY_ID) {
    // The emulators accept any credentials; the SDK insists on having some.
    process.env.AWS_ACCESS_KEY_ID = "local";
    process.env.AWS_SECRET_ACCESS_KEY = "local";
  }

  const sqs = new SQSClient({});
  const resources = await provisionResources(new DynamoDBClient({}), sqs, {
    prefix: "ai-gateway",
    maxReceiveCount: options.maxReceiveCount ?? 5,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 5,
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
    // One process serves every request here (on AWS each instance serves one at a time): log events that
    // finish within a few ms of each other share one SendMessageBatch.
    LOG_BATCH_LINGER_MS: process.env.LOG_BATCH_LINGER_MS ?? "5",
    PROVIDER_KEYS_MASTER_KEY_FILE:
      process.env.PROVIDER_KEYS_MASTER_KEY_FILE ?? masterKeyFile(options.dataDir),
    ACCOUNT_ID: accountId,
    AIG_API_TOKEN: adminToken,
    CONFIG_TABLE_NAME: resources.configTable,
    LOGS_TABLE_NAME: resources.logsTable,
    STATE_TABLE_NAME: resources.stateTable,
    LOG_QUEUE_URL: resources.logQueueUrl,
    ...options.env,
  });

  // The log-writer runs in a child process with the same environment as the handlers here.
  await backend.startLogWriter(definedEntries(process.env), resources.logQueueUrl);
  installLambdaGlobals();
  const proxy = (await import("../../functions/proxy/handler.ts")).handler as unknown as StreamingHandler;
  const api = (await import("../../functions/api/handler.ts")).handler as unknown as BufferedHandler;

  // Invocations still running (a proxy invocation lasts until its log event is queued, after the response).
  const invocations = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const invocation = serve(req, res, { proxy, api, accountId }).catch((error) => {
      console.error("local front failed:", error);
      if (!res.headersSent) sendJson(res, 502, { message: "Internal server error" });
      else res.destroy();
    });
    invocations.add(invocation);
    void invocation.finally(() => invocations.delete(invocation));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 8787, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    accountId,
    adminToken,
    adminTokenSource: admin.source,
    adminTokenFile: admin.file,
    deadLetterQueueUrl: resources.deadLetterQueueUrl,
    logQueueUrl: resources.logQueueUrl,
    sqs,
    async stop() {
      // The front first, then the invocations still queueing their log events (bounded: a stream still
      // running is cut by closeServer and ends quickly), so that every log event is on the queue before
      // the backend drains it.
      await closeServer(server);
      await Promise.race([
        Promise.allSettled(invocations),
        sleep(INVOCATION_DRAIN_MS, undefined, { ref: false }),
      ]);
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

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: { proxy: StreamingHandler; api: BufferedHandler; accountId: string },
): Promise<void> {
  const target = parseRequestTarget(req.url ?? "/");
  const route = matchRoute(target.path);
  if (!route) {
    // What API Gateway answers for a path no resource matches.
    req.resume();
    sendJson(res, 403, { message: "Missing Authentication Token" });
    return;
  }
  const body = await readBody(req);
  if (!body) {
    sendJson(res, 413, { message: "Request Entity Too Large" });
    return;
  }
  const event = buildApiGatewayEvent(req, body, route, handlers.accountId, target);
  if (route.target === "proxy") {
    const stream = new LocalResponseStream(res);
    await handlers.proxy(event, stream, lambdaContext("proxy"));
    if (!stream.writableEnded && !stream.destroyed) stream.end();
    return;
  }
  const result = await handlers.api(event, lambdaContext("api", 29_000));
  res.writeHead(result.statusCode, (result.headers ?? {}) as Record<string, string>);
  res.end(Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8"));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
