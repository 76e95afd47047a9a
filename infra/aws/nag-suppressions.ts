import { Stack, Validations } from "aws-cdk-lib";
import type { CfnBucket } from "aws-cdk-lib/aws-s3";
import type { IConstruct } from "constructs";
import type { AiGateway } from "./constructs/ai-gateway.ts";
import { bedrockInvokeResources } from "./constructs/bedrock-access.ts";

/**
 * Every cdk-nag AwsSolutions finding this stack accepts rather than fixes, with the reason, in one place to
 * review. cdk-nag 3 reads acknowledgments from CDK's own `Validations.of(construct).acknowledge()`, so the
 * stack records them without depending on cdk-nag (a devDependency): test/infra/nag.test.ts, or anyone who
 * adds `new AwsSolutionsChecks(app)` with `Validations.of(app).addPlugins(...)`, sees the same result.
 * An acknowledgment covers the construct it is made on and everything under it, and names one finding:
 * IAM5 findings are acknowledged resource by resource (`AwsSolutions-IAM5[Resource::...]`), so a new
 * wildcard still fails the check.
 *
 * Fixed rather than acknowledged: IAM4 on the functions (own roles without
 * AWSLambdaBasicExecutionRole), APIG1 (JSON access logs), APIG6 (ERROR execution logs), KMS5 (rotation),
 * SQS3/SQS4 (dead-letter queue, TLS only), S2/S10 on the log bodies bucket (public access blocked, TLS
 * only), DDB3 (point-in-time recovery) on the config and logs tables,
 * APIG3 when `webAclArn` is set; with `logExport`, S2/S10 on its bucket, KDF1 (the delivery stream's
 * encryption) and ATH1 (encrypted query results).
 */
export interface NagAcknowledgment {
  /** The construct the finding is acknowledged on (and under). */
  scope: IConstruct;
  /** `AwsSolutions-<rule>` or `AwsSolutions-<rule>[<finding>]`. */
  id: string;
  reason: string;
}

const REASONS = {
  APIG2:
    "Request bodies are validated by the handlers, not by API Gateway models. The proxy routes forward provider " +
    "request bodies byte for byte in any content type (JSON, multipart audio uploads, binary event streams; " +
    "binaryMediaTypes is */*), so there is no one schema to check them against, and the management API " +
    "validates every body and query with zod, refusing unknown fields with a message naming them. An API " +
    "Gateway validator would also answer in API Gateway's own error format instead of the Cloudflare envelope " +
    "or the provider error dialect the SDKs parse.",
  APIG3:
    "WAF is opt-in: set webAclArn (prop or CDK context) to associate a REGIONAL WAFv2 web ACL with the stage. " +
    "It is not created by default because a web ACL adds a monthly and a per-request charge, and the AWS managed " +
    "rule groups inspect request bodies for SQL injection and XSS patterns that ordinary prompts (code, SQL, " +
    "HTML) contain, which would block normal LLM traffic. Requests are authenticated in the functions, and API " +
    "Gateway's account-level throttling applies.",
  APIG4:
    "The gateway authenticates in its Lambda functions with bearer tokens, as Cloudflare AI Gateway does, " +
    "because its clients are the OpenAI, Anthropic and Cloudflare SDKs and plain HTTP clients: they send " +
    "`Authorization: Bearer` / `cf-aig-authorization: Bearer` tokens and cannot sign requests with SigV4 (IAM " +
    "authorization). Every management route requires an API token with the route's scope (stored hashed in " +
    "the config table, or the bootstrap admin token from Secrets Manager); proxy routes require a run-scoped " +
    "token on gateways with authentication on, and otherwise carry the caller's own provider key, which the " +
    "provider checks. Stored provider keys and the Lambda role's Bedrock access are only used on authenticated " +
    "gateways.",
  COG4:
    "Cognito user pool authorizers do not fit the clients: the OpenAI, Anthropic and Cloudflare SDKs send " +
    "static bearer API tokens issued by the gateway's own Cloudflare-compatible token API, which the functions " +
    "verify (constant-time comparison, revocation honoured within the documented cache time). There are no " +
    "interactive users who could sign in to a user pool.",
  SMG4:
    "This secret is the bootstrap admin API token, a static bearer token that operators and their tools send " +
    "like a Cloudflare API token. Automatic rotation would break every client using it without notice, and it " +
    "would need a rotation function for no gain: day-to-day access uses API tokens created through the " +
    "management API, each revocable on its own. To rotate it by hand, put a new value in the secret; the " +
    "functions read it again within five minutes.",
  L1:
    "The functions run Node.js 22 (nodejs22.x) on purpose: it is the runtime the project pins and tests its " +
    "dependencies against (the development machines run Node 20, and middy 6, vitest 4 and fauxqs 1.9 are the " +
    "last lines that support both). Moving to a newer runtime is a deliberate upgrade with its own test run, " +
    "not something a synth should do by itself.",
  IAM4_API_GATEWAY_LOGS:
    "AmazonAPIGatewayPushToCloudWatchLogs is the AWS-maintained policy for API Gateway's account-level " +
    "CloudWatch role, which access and execution logging require (created only when apiGatewayCloudWatchRole " +
    "is true). That role is one setting per account and region, used by every REST API there, so it cannot be " +
    "narrowed to this stack's log groups: an inline copy would need the same Resource '*' and would not follow " +
    "AWS's updates to the policy.",
  IAM5_BEDROCK:
    "The proxy signs a Bedrock request that carries no provider key with its own role (allowBedrockWithLambdaRole, " +
    "and only on gateways with authentication on). The client chooses the model in the URL " +
    "(/model/{modelId}/invoke, /converse, their streaming forms) and cross-region inference profiles route to " +
    "the model in any region of their geography, so the resources are every foundation model in every region " +
    "and this account's inference profiles; the actions are only bedrock:InvokeModel and " +
    "bedrock:InvokeModelWithResponseStream. Narrow the models with Bedrock model access or an SCP, or set " +
    "allowBedrockWithLambdaRole to false to remove the statement.",
  DDB3_STATE_TABLE:
    "The state table holds only what expires on its own: response cache entries (the gateway's cache TTL) and " +
    "rate-limit and spend counters (their window, at most a month). Restoring it to an earlier point would " +
    "bring back stale cache entries and counters rather than recover anything, and continuous backups would be " +
    "paid for data that is rebuilt by traffic. The config and logs tables, which hold records, keep " +
    "point-in-time recovery.",
  IAM5_XRAY:
    "Active X-Ray tracing (on by default; `tracing: false` turns it off) needs xray:PutTraceSegments and " +
    "xray:PutTelemetryRecords, which support no resource-level permissions: AWS requires Resource '*' for " +
    "them. The statement exists only when tracing is on, and test/infra/nag.test.ts checks that no other " +
    "action is granted on Resource '*'.",
  IAM5_LOG_BODIES:
    "A log's bodies are objects named by the log (bodies/{account}/{gateway}/{log id}/{request|response}.gz), " +
    "so the log-writer (PutObject, DeleteObject) and the api (GetObject, DeleteObject) are granted the objects " +
    "under bodies/ in the stack's own log bodies bucket: the narrowest resource that covers every log. No " +
    "bucket-level action, no listing, and the proxy has no access to the bucket at all.",
  S1_LOG_BODIES:
    "The log bodies bucket is written and read only by the stack's own functions, each through its role: the " +
    "log-writer puts and deletes, the api gets and deletes (no listing, no public access, TLS only). Every " +
    "read a person makes goes through the management API, whose requests API Gateway's access log already " +
    "records with the caller's token check. Server access logs would add a second bucket, its own " +
    "lifecycle, and one log line per body written (every logged request): turn on CloudTrail S3 data events " +
    "for the bucket where an audit trail of object access is required.",
  S1_LOG_EXPORT:
    "The log export bucket is written by the stack's Firehose delivery stream (its role may put objects only " +
    "under logs/ and errors/) and by Athena's query results; it is read by the people an account grants " +
    "Athena and S3 access to. No public access, TLS only. Server access logs would log every Parquet file " +
    "Firehose writes and every object each query reads: CloudTrail (Athena's and Glue's management events, and " +
    "S3 data events where required) is where queries are audited.",
  IAM5_LOG_EXPORT:
    "Firehose names each object itself (a day and gateway prefix from dynamic partitioning, then its own " +
    "file name), so its role is granted the objects under logs/ (Parquet files) and errors/ (records it could " +
    "not convert) in the stack's own export bucket: the narrowest resources that cover every file it writes.",
} as const;

const API_GATEWAY_LOGS_POLICY =
  "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs";

/** The acknowledgments that apply to this gateway as configured (no WAF, tracing, Bedrock: each its own). */
export function nagAcknowledgments(gateway: AiGateway): NagAcknowledgment[] {
  const acknowledgments: NagAcknowledgment[] = [];
  const add = (scope: IConstruct, id: string, reason: string) => {
    acknowledgments.push({ scope, id: `AwsSolutions-${id}`, reason });
  };

  // The REST API, its methods (APIG4, COG4) and its stage (APIG3).
  add(gateway.restApi, "APIG2", REASONS.APIG2);
  add(gateway.restApi, "APIG4", REASONS.APIG4);
  add(gateway.restApi, "COG4", REASONS.COG4);
  if (!gateway.webAclAssociation) add(gateway.restApi.deploymentStage, "APIG3", REASONS.APIG3);
  const cloudWatchRole = gateway.restApi.node.tryFindChild("CloudWatchRole");
  if (cloudWatchRole) add(cloudWatchRole, `IAM4[${API_GATEWAY_LOGS_POLICY}]`, REASONS.IAM4_API_GATEWAY_LOGS);

  add(gateway.adminTokenSecret, "SMG4", REASONS.SMG4);
  add(gateway.stateTable, "DDB3", REASONS.DDB3_STATE_TABLE);
  add(gateway.logBodiesBucket, "S1", REASONS.S1_LOG_BODIES);
  const bucket = gateway.logBodiesBucket.node.defaultChild as CfnBucket;
  const bodies = `Resource::<${Stack.of(bucket).resolve(bucket.logicalId)}.Arn>/bodies/*`;
  for (const fn of [gateway.apiFunction, gateway.logWriterFunction, gateway.logDeleterFunction])
    add(roleOf(fn), `IAM5[${bodies}]`, REASONS.IAM5_LOG_BODIES);
  for (const fn of [
    gateway.proxyFunction,
    gateway.apiFunction,
    gateway.logWriterFunction,
    gateway.logDeleterFunction,
  ])
    add(fn, "L1", REASONS.L1);
  if (gateway.logExport) {
    const exportBucket = gateway.logExport.bucket.node.defaultChild as CfnBucket;
    const exportBucketId = Stack.of(exportBucket).resolve(exportBucket.logicalId);
    add(gateway.logExport.bucket, "S1", REASONS.S1_LOG_EXPORT);
    for (const prefix of ["logs", "errors"])
      add(
        gateway.logExport.deliveryRole,
        `IAM5[Resource::<${exportBucketId}.Arn>/${prefix}/*]`,
        REASONS.IAM5_LOG_EXPORT,
      );
  }

  const proxyRole = roleOf(gateway.proxyFunction);
  if (gateway.bedrockWithLambdaRole) {
    for (const resource of bedrockInvokeResources("<AWS::Partition>", "<AWS::AccountId>")) {
      add(proxyRole, `IAM5[Resource::${resource}]`, REASONS.IAM5_BEDROCK);
    }
  }
  if (gateway.tracing) {
    for (const fn of [
      gateway.proxyFunction,
      gateway.apiFunction,
      gateway.logWriterFunction,
      gateway.logDeleterFunction,
    ]) {
      add(roleOf(fn), "IAM5[Resource::*]", REASONS.IAM5_XRAY);
    }
  }
  return acknowledgments;
}

/** Records the acknowledgments on the constructs (applied by GatewayStack). */
export function acknowledgeNagFindings(gateway: AiGateway): void {
  for (const { scope, id, reason } of nagAcknowledgments(gateway)) {
    Validations.of(scope).acknowledge({ id, reason });
  }
}

function roleOf(fn: { role?: IConstruct | undefined; node: { path: string } }): IConstruct {
  if (!fn.role) throw new Error(`${fn.node.path} has no role`);
  return fn.role;
}
