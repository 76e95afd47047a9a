import { RemovalPolicy } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Node } from "constructs";
import type { AiGatewayProps } from "./constructs/ai-gateway.ts";
import type { PowertoolsLogLevel } from "./constructs/gateway-function.ts";

const LOG_LEVELS: readonly PowertoolsLogLevel[] = ["DEBUG", "INFO", "WARN", "ERROR"];

/**
 * Gateway settings from CDK context, so a deployer configures the stack without editing code:
 * `cdk deploy -c upstreamOverrides='{"openai":"https://example.internal/v1"}' -c proxyMemorySize=512`,
 * or the same keys under "context" in cdk.json. Values given with `-c` arrive as strings; cdk.json values
 * keep their JSON types; both are accepted. An unusable value fails the synth with a message naming it.
 */
export function propsFromContext(node: Node): AiGatewayProps {
  const read = (key: string): unknown => node.tryGetContext(key);
  return {
    accountId: optionalString(read("accountId"), "accountId"),
    upstreamOverrides: optionalRecord(read("upstreamOverrides"), "upstreamOverrides"),
    proxyMemorySize: optionalInteger(read("proxyMemorySize"), "proxyMemorySize"),
    apiMemorySize: optionalInteger(read("apiMemorySize"), "apiMemorySize"),
    logWriterMemorySize: optionalInteger(read("logWriterMemorySize"), "logWriterMemorySize"),
    logRetention: optionalRetention(read("logRetentionDays")),
    logsTtlDays: optionalNonNegativeInteger(read("logsTtlDays"), "logsTtlDays"),
    logShards: optionalInteger(read("logShards"), "logShards"),
    logLevel: optionalLogLevel(read("logLevel")),
    stageName: optionalString(read("stageName"), "stageName"),
    tracing: optionalBoolean(read("tracing"), "tracing"),
    tableRemovalPolicy: optionalRemovalPolicy(read("tableRemovalPolicy")),
    apiGatewayCloudWatchRole: optionalBoolean(read("apiGatewayCloudWatchRole"), "apiGatewayCloudWatchRole"),
    trustedUpstreamHosts: optionalStringList(read("trustedUpstreamHosts"), "trustedUpstreamHosts"),
    allowBedrockWithLambdaRole: optionalBoolean(
      read("allowBedrockWithLambdaRole"),
      "allowBedrockWithLambdaRole",
    ),
    webAclArn: optionalString(read("webAclArn"), "webAclArn"),
    metricsNamespace: optionalMatching(read("metricsNamespace"), "metricsNamespace", METRICS_NAMESPACE),
    alarmTopicArn: optionalMatching(read("alarmTopicArn"), "alarmTopicArn", SNS_TOPIC_ARN),
    throttlingRateLimit: optionalInteger(read("throttlingRateLimit"), "throttlingRateLimit"),
    throttlingBurstLimit: optionalInteger(read("throttlingBurstLimit"), "throttlingBurstLimit"),
    logWriterMaxConcurrency: optionalInteger(read("logWriterMaxConcurrency"), "logWriterMaxConcurrency"),
    reserveLogWriterConcurrency: optionalBoolean(
      read("reserveLogWriterConcurrency"),
      "reserveLogWriterConcurrency",
    ),
    logExport: optionalBoolean(read("logExport"), "logExport"),
  };
}

function fail(key: string, expected: string, value: unknown): never {
  throw new Error(`CDK context "${key}" must be ${expected}, got ${JSON.stringify(value)}`);
}

function optionalString(value: unknown, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") fail(key, "a non-empty string", value);
  return value;
}

/** CloudWatch namespaces: printable ASCII, up to 255 characters, and not AWS's own `AWS/` prefix. */
const METRICS_NAMESPACE = {
  pattern: /^(?!AWS\/)[A-Za-z0-9._\-/#:]{1,255}$/,
  expected:
    'a CloudWatch namespace such as "AiGateway" (letters, digits, . _ - / # :, not starting with AWS/)',
};
const SNS_TOPIC_ARN = {
  pattern: /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/,
  expected: "an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:gateway-alarms",
};

function optionalMatching(
  value: unknown,
  key: string,
  format: { pattern: RegExp; expected: string },
): string | undefined {
  const text = optionalString(value, key);
  if (text !== undefined && !format.pattern.test(text)) fail(key, format.expected, value);
  return text;
}

function optionalInteger(value: unknown, key: string): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === "string" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number) || number <= 0) {
    fail(key, "a positive integer", value);
  }
  return number;
}

function optionalNonNegativeInteger(value: unknown, key: string): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === "string" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number) || number < 0) {
    fail(key, "a whole number of days, 0 or more", value);
  }
  return number;
}

function optionalBoolean(value: unknown, key: string): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  fail(key, "true or false", value);
}

function optionalRecord(value: unknown, key: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      fail(key, 'a JSON object such as {"openai":"https://..."}', value);
    }
  }
  const isStringRecord =
    typeof parsed === "object" &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((entry) => typeof entry === "string");
  if (!isStringRecord) fail(key, "an object of provider slug to URL", value);
  return parsed as Record<string, string>;
}

/**
 * A list of strings: a JSON array (cdk.json, or `-c key='["a","b"]'`) or a comma-separated string
 * (`-c key=a,b`). An empty string is an empty list. Entries are trimmed; empty entries are refused.
 */
function optionalStringList(value: unknown, key: string): string[] | undefined {
  if (value === undefined) return undefined;
  let list: unknown = value;
  if (typeof value === "string") {
    const text = value.trim();
    if (text.startsWith("[")) {
      try {
        list = JSON.parse(text);
      } catch {
        fail(key, 'a JSON array of strings such as ["a.internal","b.internal"]', value);
      }
    } else {
      list = text === "" ? [] : text.split(",");
    }
  }
  if (!Array.isArray(list) || !list.every((entry) => typeof entry === "string" && entry.trim() !== "")) {
    fail(key, 'a comma-separated list or a JSON array of non-empty strings such as ["a.internal"]', value);
  }
  return (list as string[]).map((entry) => entry.trim());
}

function optionalRetention(value: unknown): RetentionDays | undefined {
  const days = optionalInteger(value, "logRetentionDays");
  if (days === undefined) return undefined;
  const known = Object.values(RetentionDays).filter((entry): entry is number => typeof entry === "number");
  if (!known.includes(days)) fail("logRetentionDays", `one of ${known.join(", ")}`, value);
  return days as RetentionDays;
}

function optionalLogLevel(value: unknown): PowertoolsLogLevel | undefined {
  if (value === undefined) return undefined;
  const level = typeof value === "string" ? value.toUpperCase() : value;
  if (!LOG_LEVELS.includes(level as PowertoolsLogLevel)) fail("logLevel", LOG_LEVELS.join(", "), value);
  return level as PowertoolsLogLevel;
}

function optionalRemovalPolicy(value: unknown): RemovalPolicy | undefined {
  if (value === undefined) return undefined;
  if (value === "retain") return RemovalPolicy.RETAIN;
  if (value === "destroy") return RemovalPolicy.DESTROY;
  fail("tableRemovalPolicy", '"retain" or "destroy"', value);
}
