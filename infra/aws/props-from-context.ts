import { RemovalPolicy } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Node } from "constructs";
import { z } from "zod";
import type { AiGatewayProps } from "./constructs/ai-gateway.ts";
import type { PowertoolsLogLevel } from "./constructs/gateway-function.ts";
import {
  flag,
  matching,
  nonEmptyString,
  oneOfNumbers,
  oneOfWords,
  positiveInteger,
  stringList,
  stringRecord,
  wholeDays,
} from "./context-values.ts";

const LOG_LEVELS: Record<PowertoolsLogLevel, PowertoolsLogLevel> = {
  DEBUG: "DEBUG",
  INFO: "INFO",
  WARN: "WARN",
  ERROR: "ERROR",
};
const RETENTION_DAYS = Object.values(RetentionDays).filter(
  (entry): entry is RetentionDays => typeof entry === "number",
);
/** CloudWatch namespaces: printable ASCII, up to 255 characters, and not AWS's own `AWS/` prefix. */
const METRICS_NAMESPACE = /^(?!AWS\/)[A-Za-z0-9._\-/#:]{1,255}$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/**
 * Every CDK context key the stack reads, with the form it takes. A key is named as the deployer types it;
 * the one key whose prop has another name is renamed in `propsFromContext`. Adding a setting is one line.
 */
const contextSchema = z.object({
  accountId: nonEmptyString(),
  upstreamOverrides: stringRecord('a JSON object of provider slug to URL such as {"openai":"https://..."}'),
  proxyMemorySize: positiveInteger(),
  apiMemorySize: positiveInteger(),
  logWriterMemorySize: positiveInteger(),
  logRetentionDays: oneOfNumbers(RETENTION_DAYS),
  logsTtlDays: wholeDays(),
  logLevel: oneOfWords(LOG_LEVELS, (text) => text.toUpperCase()),
  stageName: nonEmptyString(),
  tracing: flag(),
  tableRemovalPolicy: oneOfWords({ retain: RemovalPolicy.RETAIN, destroy: RemovalPolicy.DESTROY }),
  apiGatewayCloudWatchRole: flag(),
  trustedUpstreamHosts: stringList(),
  allowBedrockWithLambdaRole: flag(),
  webAclArn: nonEmptyString(),
  metricsNamespace: matching(
    METRICS_NAMESPACE,
    'a CloudWatch namespace such as "AiGateway" (letters, digits, . _ - / # :, not starting with AWS/)',
  ),
  alarmTopicArn: matching(
    SNS_TOPIC_ARN,
    "an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:gateway-alarms",
  ),
  throttlingRateLimit: positiveInteger(),
  throttlingBurstLimit: positiveInteger(),
  logWriterMaxConcurrency: positiveInteger(),
  reserveLogWriterConcurrency: flag(),
  logShards: positiveInteger(),
  logExport: flag(),
});

type ContextKey = keyof typeof contextSchema.shape;

/**
 * Gateway settings from CDK context, so a deployer configures the stack without editing code:
 * `cdk deploy -c upstreamOverrides='{"openai":"https://example.internal/v1"}' -c proxyMemorySize=512`,
 * or the same keys under "context" in cdk.json. Values given with `-c` arrive as strings; cdk.json values
 * keep their JSON types; both are accepted. Unusable values fail the synth with one line each, naming the
 * key, the form it takes and the value given.
 */
export function propsFromContext(node: Node): AiGatewayProps {
  const keys = Object.keys(contextSchema.shape) as ContextKey[];
  const given = Object.fromEntries(keys.map((key) => [key, node.tryGetContext(key)]));
  const parsed = contextSchema.safeParse(given);
  if (!parsed.success) throw new Error(describeFailures(parsed.error, given));
  const { logRetentionDays, ...settings } = parsed.data;
  return { ...settings, logRetention: logRetentionDays };
}

function describeFailures(error: z.ZodError, given: Record<string, unknown>): string {
  const badKeys = [...new Set(error.issues.map((issue) => String(issue.path[0])))];
  return badKeys
    .map((key) => {
      const expected = contextSchema.shape[key as ContextKey].description;
      return `CDK context "${key}" must be ${expected}, got ${JSON.stringify(given[key])}`;
    })
    .join("\n");
}
