import { Annotations, Aws, Duration, RemovalPolicy } from "aws-cdk-lib";
import type { RestApi } from "aws-cdk-lib/aws-apigateway";
import type { Dashboard } from "aws-cdk-lib/aws-cloudwatch";
import type { Table } from "aws-cdk-lib/aws-dynamodb";
import type { Key } from "aws-cdk-lib/aws-kms";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Bucket } from "aws-cdk-lib/aws-s3";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import type { Queue } from "aws-cdk-lib/aws-sqs";
import type { CfnWebACLAssociation } from "aws-cdk-lib/aws-wafv2";
import { Construct } from "constructs";
import { DEFAULT_METRICS_NAMESPACE } from "../../../shared/observability/metric-names.ts";
import { DEFAULT_LOG_BODIES_S3_MIN_BYTES } from "../../../shared/store/log-keys.ts";
import { DEFAULT_LOG_SHARDS, isValidShardCount } from "../../../shared/store/log-shards.ts";
import { bedrockInvokeStatement } from "./bedrock-access.ts";
import { grantDefaultGatewayCreation } from "./config-table-access.ts";
import { GatewayAlarms } from "./gateway-alarms.ts";
import { GatewayDashboard } from "./gateway-dashboard.ts";
import { GatewayFunction, type PowertoolsLogLevel } from "./gateway-function.ts";
import { GatewayGuardrail } from "./gateway-guardrail.ts";
import { API_GATEWAY_STREAM_IDLE_TIMEOUT, GatewayRestApi } from "./gateway-rest-api.ts";
import { GatewayTables } from "./gateway-tables.ts";
import { LogBodiesBucket } from "./log-bodies-bucket.ts";
import { LogExport } from "./log-export.ts";
import { LogQueue } from "./log-queue.ts";
import { ProviderKeysKey } from "./provider-keys-key.ts";
import { trustedUpstreamHostsVariable, upstreamEnvironment } from "./upstream-environment.ts";

export interface AiGatewayProps {
  /**
   * The account id clients put in their URLs (`/v1/{account_id}/...`, `/client/v4/accounts/{account_id}/...`).
   * @default the AWS account id the stack is deployed to
   */
  readonly accountId?: string;
  /**
   * Provider base URLs that replace the registry's defaults, keyed by provider slug
   * (`{ "openai": "https://proxy.internal/v1" }` sets `UPSTREAM_OPENAI_URL` on the proxy).
   * @default none
   */
  readonly upstreamOverrides?: Readonly<Record<string, string>>;
  /**
   * @default 192: the proxy mostly waits on providers, so memory-time is its cost; 192 MB is the least that holds
   * the largest request it accepts (MAX_REQUEST_BODY_BYTES) with room to spare (docs/cost.md, the memory table)
   */
  readonly proxyMemorySize?: number;
  /** @default 512 */
  readonly apiMemorySize?: number;
  /** @default 512 */
  readonly logWriterMemorySize?: number;
  /** Retention of the functions' logs and the API access logs. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default "INFO" */
  readonly logLevel?: PowertoolsLogLevel;
  /** The REST API stage, which is the first path segment of every URL on AWS. @default "prod" */
  readonly stageName?: string;
  /**
   * Active X-Ray tracing on the API stage and the functions; the proxy records each provider call as a
   * subsegment with OpenTelemetry GenAI attributes (docs/observability.md). @default true
   */
  readonly tracing?: boolean;
  /** The CloudWatch namespace of the gateway's metrics (POWERTOOLS_METRICS_NAMESPACE). @default "AiGateway" */
  readonly metricsNamespace?: string;
  /**
   * An SNS topic (ARN) that receives every alarm's ALARM and OK notifications. Subscriptions (email, chat,
   * paging) are the topic owner's. @default no notifications: the alarms show on the dashboard only
   */
  readonly alarmTopicArn?: string;
  /** Days a log is kept before DynamoDB's TTL removes it; 0 keeps logs until deleted. @default 0 */
  readonly logsTtlDays?: number;
  /**
   * Write shards per gateway in the logs table (LOG_SHARDS; docs/logging.md says how to pick it from the
   * busiest gateway's rate): a power of two up to 64. Raise it, never lower it. @default 8
   */
  readonly logShards?: number;
  /**
   * What happens to the tables and the log bodies bucket when the stack is deleted (a bucket is deleted
   * only once empty). @default RemovalPolicy.RETAIN
   */
  readonly tableRemovalPolicy?: RemovalPolicy;
  /**
   * Create the API Gateway account role that access logging requires. Set false when the account already
   * has one (API Gateway > Settings > CloudWatch log role ARN). @default true
   */
  readonly apiGatewayCloudWatchRole?: boolean;
  /**
   * Hosts that upstream overrides and custom providers may point at even though they resolve to private,
   * loopback or link-local addresses, which the proxy's SSRF guard refuses otherwise
   * (`TRUSTED_UPSTREAM_HOSTS`). Bare host names or IP literals: `["llm.corp.internal", "10.0.0.12"]`.
   * @default none
   */
  readonly trustedUpstreamHosts?: readonly string[];
  /**
   * Let the proxy call Bedrock with its own role: a Bedrock request without a provider key (no
   * Authorization header, no stored key) is signed with the Lambda's credentials. False leaves the role
   * without any Bedrock permission; such requests then fail at Bedrock with 403.
   * @default true
   */
  readonly allowBedrockWithLambdaRole?: boolean;
  /**
   * A WAFv2 web ACL (scope REGIONAL, in the stack's region) to associate with the API stage, for rate-based
   * rules, IP sets or geo restrictions in front of the gateway. @default none
   */
  readonly webAclArn?: string;
  /**
   * Requests a second the API stage lets through, all routes together (API Gateway's token bucket; over it
   * clients get API Gateway's 429). Each admitted proxy request holds one Lambda instance for its whole
   * stream, so this rate times the usual request duration is the concurrency it can take.
   * @default 100
   */
  readonly throttlingRateLimit?: number;
  /** Requests the stage admits at once above the rate (the bucket's size). @default 200 */
  readonly throttlingBurstLimit?: number;
  /**
   * The most log-writer invocations at once: the log queue's event source mapping's MaximumConcurrency
   * (2 to 1000), and the log-writer's reserved concurrency. A backlog of logs then drains at this pace
   * instead of taking the account's concurrency from the proxy. @default 5
   */
  readonly logWriterMaxConcurrency?: number;
  /**
   * Reserve `logWriterMaxConcurrency` for the log-writer. Reserved concurrency caps the function (so the
   * mapping's batches are never throttled into the dead-letter queue) and is taken from the account's pool;
   * Lambda refuses it when the account's unreserved concurrency would fall under its minimum, as in new
   * accounts with a quota of 10. Set false there: the mapping's cap still holds. @default true
   */
  readonly reserveLogWriterConcurrency?: boolean;
  /**
   * Export every stored log through Firehose to S3 as Parquet, with a Glue table and an Athena workgroup
   * (docs/analytics.md). Adds a bucket, a delivery stream, a Glue database and table and a workgroup,
   * each billed by use. @default false
   */
  readonly logExport?: boolean;
}

/** API Gateway's default stage throttling here: see `throttlingRateLimit`. */
export const DEFAULT_THROTTLING = { rateLimit: 100, burstLimit: 200 } as const;
/** See `logWriterMaxConcurrency`. */
export const DEFAULT_LOG_WRITER_CONCURRENCY = 5;

/** The proxy's Powertools service name: its log lines and the `service` dimension of its metrics. */
const PROXY_SERVICE_NAME = "ai-gateway-proxy";

/**
 * Kept back from API Gateway's idle timeout of a stream: the proxy stops waiting for a provider's first byte
 * (retries included) this long before API Gateway would cut the silent stream, counted from when API
 * Gateway received the request, so the client gets the gateway's own 504 in its dialect and the request is
 * logged (functions/lib/first-byte-deadline.ts). 10 s covers the proxy's 1.5 s margin for answering and
 * queueing the log, and clock skew between API Gateway and the function.
 */
const FIRST_BYTE_DEADLINE = API_GATEWAY_STREAM_IDLE_TIMEOUT.minus(Duration.seconds(10));
/**
 * One attempt's wait for the first byte: under the deadline above, so a lone attempt times out as a provider
 * timeout rather than as the deadline (the client sees a 504 either way).
 */
const UPSTREAM_TIMEOUT = FIRST_BYTE_DEADLINE.minus(Duration.seconds(5));

/** The log-writer's timeout, from which the log queue's visibility timeout is derived. */
const LOG_WRITER_TIMEOUT = Duration.seconds(60);
const LOG_BATCHING_WINDOW = Duration.seconds(1);
/**
 * The log-deleter's timeout, and how long one message of a job keeps starting slices (LOG_DELETE_BUDGET_MS):
 * half of it, so the last slice (a few seconds) and the hand-on to the next message end well inside it.
 */
const LOG_DELETER_TIMEOUT = Duration.minutes(2);
const LOG_DELETE_BUDGET = Duration.seconds(60);
/** Jobs run at once, at most (the mapping's MaximumConcurrency, its least): deleting is never urgent. */
const LOG_DELETER_CONCURRENCY = 2;

/**
 * The whole gateway: config and logs tables, the log queue and its dead-letter queue, the bootstrap admin
 * token, the KMS key of the stored provider keys, the proxy, api and log-writer functions, the REST
 * API in front of them, and a CloudWatch dashboard and alarms over all of it.
 */
export class AiGateway extends Construct {
  readonly configTable: Table;
  readonly logsTable: Table;
  readonly stateTable: Table;
  readonly logQueue: Queue;
  /** Logs' request and response bodies (log-bodies-bucket.ts). */
  readonly logBodiesBucket: Bucket;
  readonly logDeadLetterQueue: Queue;
  /** Log-delete jobs (delete by filter, DELETE_OLDEST's large overflows) and their dead-letter queue. */
  readonly logDeleteQueue: Queue;
  readonly logDeleteDeadLetterQueue: Queue;
  /** The log export (Firehose, its bucket, the Glue table, the Athena workgroup), with `logExport`. */
  readonly logExport: LogExport | undefined;
  readonly adminTokenSecret: Secret;
  /** The KMS key of the stored provider keys (envelope encryption). */
  readonly providerKeysKey: Key;
  readonly proxyFunction: NodejsFunction;
  readonly apiFunction: NodejsFunction;
  readonly logWriterFunction: NodejsFunction;
  /** Runs log-delete jobs from their queue, a slice at a time (shared/logs/log-delete-worker.ts). */
  readonly logDeleterFunction: NodejsFunction;
  readonly restApi: RestApi;
  /** The association of `webAclArn` with the API stage, when one was given. */
  readonly webAclAssociation: CfnWebACLAssociation | undefined;
  /** Whether the functions and the API stage are traced with X-Ray. */
  readonly tracing: boolean;
  /** Whether the proxy's role may invoke Bedrock models (`allowBedrockWithLambdaRole`). */
  readonly bedrockWithLambdaRole: boolean;
  /** The Bedrock guardrail (and its published version) the proxy applies for gateways' `guardrails`. */
  readonly guardrail: GatewayGuardrail;
  /** The CloudWatch namespace of the gateway's EMF metrics. */
  readonly metricsNamespace: string;
  readonly dashboard: Dashboard;
  /** The alarms, by what they watch. */
  readonly alarms: GatewayAlarms;

  constructor(scope: Construct, id: string, props: AiGatewayProps = {}) {
    super(scope, id);
    const accountId = props.accountId ?? Aws.ACCOUNT_ID;
    const logShards = props.logShards ?? DEFAULT_LOG_SHARDS;
    if (!isValidShardCount(logShards))
      throw new Error(`logShards must be a power of two from 1 to 64, got ${logShards}`);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    this.tracing = props.tracing ?? true;
    this.bedrockWithLambdaRole = props.allowBedrockWithLambdaRole ?? true;
    this.metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    const common = {
      logRetention,
      logLevel: props.logLevel ?? "INFO",
      tracing: this.tracing,
      metricsNamespace: this.metricsNamespace,
    };

    const upstream = upstreamEnvironment(props.upstreamOverrides);
    if (upstream.unknownSlugs.length > 0) {
      Annotations.of(this).addWarningV2(
        "ai-gateway:unknownUpstreamSlug",
        `upstreamOverrides: no provider named ${upstream.unknownSlugs.join(", ")} in shared/providers/registry.ts`,
      );
    }

    const tables = new GatewayTables(this, "Tables", {
      removalPolicy: props.tableRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.configTable = tables.configTable;
    this.logsTable = tables.logsTable;
    this.stateTable = tables.stateTable;
    const logBodies = new LogBodiesBucket(this, "LogBodies", {
      ttlDays: props.logsTtlDays ?? 0,
      removalPolicy: props.tableRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.logBodiesBucket = logBodies.bucket;

    const logQueue = new LogQueue(this, "LogQueue", {
      consumerTimeout: LOG_WRITER_TIMEOUT,
      maxBatchingWindow: LOG_BATCHING_WINDOW,
    });
    this.logQueue = logQueue.queue;
    this.logDeadLetterQueue = logQueue.deadLetterQueue;
    // The same kind of queue (encrypted, TLS only, a dead-letter queue after 5 receives) for log-delete jobs.
    const logDeleteQueue = new LogQueue(this, "LogDeleteQueue", {
      consumerTimeout: LOG_DELETER_TIMEOUT,
      maxBatchingWindow: Duration.seconds(0),
    });
    this.logDeleteQueue = logDeleteQueue.queue;
    this.logDeleteDeadLetterQueue = logDeleteQueue.deadLetterQueue;

    // Only the first admin token lives here; the tokens created with it are stored in the config table.
    this.adminTokenSecret = new Secret(this, "AdminToken", {
      description: "AI gateway bootstrap admin API token (Authorization: Bearer <token>)",
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });

    const providerKeys = new ProviderKeysKey(this, "ProviderKeys");
    this.providerKeysKey = providerKeys.key;

    // The Bedrock guardrail the proxy scans gateways' `guardrails` with (docs/guardrails.md).
    const guardrail = new GatewayGuardrail(this, "Guardrail");
    this.guardrail = guardrail;

    const proxy = new GatewayFunction(this, "Proxy", {
      ...common,
      entry: "functions/proxy/handler.ts",
      serviceName: PROXY_SERVICE_NAME,
      description: "AI gateway proxy: streams provider responses back to the client",
      // The Lambda maximum, matching the 15-minute limit of a streamed API Gateway integration: long
      // generations (reasoning models, large outputs) must not be cut by the function.
      timeout: Duration.minutes(15),
      memorySize: props.proxyMemorySize ?? 192,
      environment: {
        ACCOUNT_ID: accountId,
        CONFIG_TABLE_NAME: this.configTable.tableName,
        LOGS_TABLE_NAME: this.logsTable.tableName,
        STATE_TABLE_NAME: this.stateTable.tableName,
        LOG_QUEUE_URL: this.logQueue.queueUrl,
        AIG_API_TOKEN_SECRET_ARN: this.adminTokenSecret.secretArn,
        PROVIDER_KEYS_KMS_KEY_ID: this.providerKeysKey.keyArn,
        TRUSTED_UPSTREAM_HOSTS: trustedUpstreamHostsVariable(props.trustedUpstreamHosts),
        UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT.toMilliseconds()),
        FIRST_BYTE_DEADLINE_MS: String(FIRST_BYTE_DEADLINE.toMilliseconds()),
        BEDROCK_GUARDRAIL_ID: guardrail.guardrail.attrGuardrailId,
        BEDROCK_GUARDRAIL_VERSION: guardrail.version.attrVersion,
        ...upstream.variables,
      },
      // Off on the hot path: with source maps on, Node loads the bundle's map at start and maps every stack
      // trace it builds (each Error, even one caught and answered as a 4xx). The map ships with the bundle:
      // set NODE_OPTIONS=--enable-source-maps on the function to read a stack trace against the sources.
      sourceMapsInStackTraces: false,
    });
    this.proxyFunction = proxy.function;
    // Read: gateways, API tokens, stored provider keys, custom providers and routes. Write: only the put
    // that creates the default gateway on first use. It never touches the logs table: its log events go
    // through the queue.
    this.configTable.grantReadData(this.proxyFunction);
    grantDefaultGatewayCreation(this.configTable, this.proxyFunction, accountId);
    // Read/write: cache entries, rate-limit counters, and the spend counters it checks before a call.
    this.stateTable.grantReadWriteData(this.proxyFunction);
    this.logQueue.grantSendMessages(this.proxyFunction);
    this.adminTokenSecret.grantRead(this.proxyFunction);
    // Decrypt only: the proxy uses stored provider keys, it never stores one.
    providerKeys.grantOpen(this.proxyFunction, accountId);
    if (this.bedrockWithLambdaRole) proxy.role.addToPrincipalPolicy(bedrockInvokeStatement());
    guardrail.grantApply(this.proxyFunction);

    const api = new GatewayFunction(this, "Api", {
      ...common,
      entry: "functions/api/handler.ts",
      serviceName: "ai-gateway-api",
      description: "AI gateway management API (gateways, tokens, keys, logs, analytics)",
      // A buffered API Gateway integration gives up at 29 s; running longer would be wasted work.
      timeout: Duration.seconds(29),
      memorySize: props.apiMemorySize ?? 512,
      // The web console it serves, built by console/build.ts into the bundle (shared/console/console-assets.ts).
      afterBundling: (outputDir) => [`node --import tsx console/build.ts "${outputDir}/console"`],
      environment: {
        ACCOUNT_ID: accountId,
        CONFIG_TABLE_NAME: this.configTable.tableName,
        LOGS_TABLE_NAME: this.logsTable.tableName,
        LOG_BODIES_BUCKET: this.logBodiesBucket.bucketName,
        // The reader and the writer of logs must agree on the shards.
        LOG_SHARDS: String(logShards),
        AIG_API_TOKEN_SECRET_ARN: this.adminTokenSecret.secretArn,
        PROVIDER_KEYS_KMS_KEY_ID: this.providerKeysKey.keyArn,
        LOG_DELETE_QUEUE_URL: this.logDeleteQueue.queueUrl,
      },
    });
    this.apiFunction = api.function;
    // Read/write: gateways, API tokens, stored provider keys and custom providers are written here.
    this.configTable.grantReadWriteData(this.apiFunction);
    // Read/write: logs are listed and updated (feedback, score, metadata); delete jobs are recorded.
    this.logsTable.grantReadWriteData(this.apiFunction);
    // Get: the body endpoints. A DELETE of logs is a job the log-deleter runs, which deletes the bodies.
    logBodies.grantRead(this.apiFunction);
    // Send: DELETE .../logs queues its job.
    this.logDeleteQueue.grantSendMessages(this.apiFunction);
    this.adminTokenSecret.grantRead(this.apiFunction);
    // GenerateDataKey to store a provider key, Decrypt to read one back. No kms:Encrypt, no ReEncrypt*.
    providerKeys.grantSeal(this.apiFunction, accountId);

    const logWriterConcurrency = props.logWriterMaxConcurrency ?? DEFAULT_LOG_WRITER_CONCURRENCY;
    // The event source mapping's MaximumConcurrency bounds (AWS::Lambda::EventSourceMapping ScalingConfig).
    if (!Number.isInteger(logWriterConcurrency) || logWriterConcurrency < 2 || logWriterConcurrency > 1000) {
      throw new Error(
        `logWriterMaxConcurrency must be a whole number from 2 to 1000, got ${logWriterConcurrency}`,
      );
    }
    const logWriter = new GatewayFunction(this, "LogWriter", {
      ...common,
      entry: "functions/log-writer/handler.ts",
      serviceName: "ai-gateway-log-writer",
      description: "AI gateway log writer: stores request logs and analytics from the log queue",
      timeout: LOG_WRITER_TIMEOUT,
      memorySize: props.logWriterMemorySize ?? 512,
      environment: {
        LOGS_TABLE_NAME: this.logsTable.tableName,
        LOG_BODIES_BUCKET: this.logBodiesBucket.bucketName,
        // Bodies gzipping to less stay in the logs table, where they cost less (docs/cost.md).
        LOG_BODIES_S3_MIN_BYTES: String(DEFAULT_LOG_BODIES_S3_MIN_BYTES),
        CONFIG_TABLE_NAME: this.configTable.tableName,
        LOGS_TTL_DAYS: String(props.logsTtlDays ?? 0),
        // Gateways' OTLP endpoints pass the same SSRF guard as the proxy's upstreams.
        TRUSTED_UPSTREAM_HOSTS: trustedUpstreamHostsVariable(props.trustedUpstreamHosts),
        LOG_SHARDS: String(logShards),
        // DELETE_OLDEST's overflows past one slice go to a log-delete job instead of the batch.
        LOG_DELETE_QUEUE_URL: this.logDeleteQueue.queueUrl,
      },
      // Equal to the mapping's cap: AWS advises a maximum concurrency no higher than the reserved one,
      // since batches the function throttles go back to the queue and count towards the dead-letter queue.
      reservedConcurrentExecutions:
        (props.reserveLogWriterConcurrency ?? true) ? logWriterConcurrency : undefined,
    });
    this.logWriterFunction = logWriter.function;
    this.logsTable.grantReadWriteData(this.logWriterFunction);
    // Put: the bodies of the logs it stores. Delete: with the logs retention trims or drops.
    logBodies.grantWriteAndDelete(this.logWriterFunction);
    // Read: per-gateway settings decide what is kept (collect logs, retention).
    this.configTable.grantReadData(this.logWriterFunction);
    // Send: DELETE_OLDEST's large overflows become log-delete jobs.
    this.logDeleteQueue.grantSendMessages(this.logWriterFunction);
    this.logExport = props.logExport
      ? new LogExport(this, "LogExport", {
          removalPolicy: props.tableRemovalPolicy ?? RemovalPolicy.RETAIN,
          logRetention,
        })
      : undefined;
    if (this.logExport) {
      this.logExport.grantPut(this.logWriterFunction);
      this.logWriterFunction.addEnvironment("LOG_EXPORT_STREAM", this.logExport.deliveryStream.ref);
    }
    this.logWriterFunction.addEventSource(
      new SqsEventSource(this.logQueue, {
        batchSize: 25,
        // Up to 1 s of waiting to fill a batch: fewer invocations under load, logs still near real time.
        maxBatchingWindow: LOG_BATCHING_WINDOW,
        // A failed event is retried (and dead-lettered) alone instead of replaying the whole batch.
        reportBatchItemFailures: true,
        // A backlog (after an outage, a burst) drains at this many batches at once instead of scaling the
        // log-writer to the account's concurrency, which the proxy's streams need.
        maxConcurrency: logWriterConcurrency,
      }),
    );

    const logDeleter = new GatewayFunction(this, "LogDeleter", {
      ...common,
      entry: "functions/log-deleter/handler.ts",
      serviceName: "ai-gateway-log-deleter",
      description:
        "AI gateway log deleter: runs log-delete jobs (delete by filter, retention) from their queue",
      timeout: LOG_DELETER_TIMEOUT,
      memorySize: 512,
      environment: {
        LOGS_TABLE_NAME: this.logsTable.tableName,
        LOG_BODIES_BUCKET: this.logBodiesBucket.bucketName,
        CONFIG_TABLE_NAME: this.configTable.tableName,
        // Every shard a log may be in is searched: the same count as the writer's.
        LOG_SHARDS: String(logShards),
        LOG_DELETE_QUEUE_URL: this.logDeleteQueue.queueUrl,
        LOG_DELETE_BUDGET_MS: String(LOG_DELETE_BUDGET.toMilliseconds()),
      },
    });
    this.logDeleterFunction = logDeleter.function;
    // Logs, bodies, counters and jobs: read, update and delete; it never puts an item (the api records jobs).
    this.logsTable.grant(
      this.logDeleterFunction,
      "dynamodb:GetItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
    );
    // Get: a job's gateway, to fail the job when the gateway has been deleted, and its retention setting.
    this.configTable.grant(this.logDeleterFunction, "dynamodb:GetItem");
    logBodies.grantDelete(this.logDeleterFunction);
    // Consume its queue, and send to it: a job with more to do queues its next message.
    this.logDeleteQueue.grantConsumeMessages(this.logDeleterFunction);
    this.logDeleteQueue.grantSendMessages(this.logDeleterFunction);
    this.logDeleterFunction.addEventSource(
      new SqsEventSource(this.logDeleteQueue, {
        // One message (one job's next slices) per invocation.
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: LOG_DELETER_CONCURRENCY,
      }),
    );

    const restApi = new GatewayRestApi(this, "RestApi", {
      proxyFunction: this.proxyFunction,
      apiFunction: this.apiFunction,
      stageName: props.stageName ?? "prod",
      accessLogRetention: logRetention,
      tracing: common.tracing,
      cloudWatchRole: props.apiGatewayCloudWatchRole ?? true,
      webAclArn: props.webAclArn,
      throttling: {
        rateLimit: props.throttlingRateLimit ?? DEFAULT_THROTTLING.rateLimit,
        burstLimit: props.throttlingBurstLimit ?? DEFAULT_THROTTLING.burstLimit,
      },
    });
    this.restApi = restApi.restApi;
    this.webAclAssociation = restApi.webAclAssociation;

    const watched = {
      metricsNamespace: this.metricsNamespace,
      proxyServiceName: PROXY_SERVICE_NAME,
      proxyFunction: this.proxyFunction,
      apiFunction: this.apiFunction,
      logWriterFunction: this.logWriterFunction,
      logQueue: this.logQueue,
      logDeadLetterQueue: this.logDeadLetterQueue,
    };
    this.alarms = new GatewayAlarms(this, "Alarms", {
      ...watched,
      logDeleteDeadLetterQueue: this.logDeleteDeadLetterQueue,
      proxyLogGroup: proxy.logGroup,
      alarmTopicArn: props.alarmTopicArn,
    });
    this.dashboard = new GatewayDashboard(this, "Dashboard", {
      ...watched,
      restApi: this.restApi,
      alarms: this.alarms.all,
    }).dashboard;
  }
}
