import { App, RemovalPolicy } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { describe, expect, it } from "vitest";
import { propsFromContext } from "../../infra/aws/props-from-context.ts";
import { assemblyDirectory } from "./synth-gateway.ts";

// An App makes its output directory when constructed: give it one that is cleaned up.
const fromContext = (context: Record<string, unknown>) =>
  propsFromContext(new App({ outdir: assemblyDirectory(), context }).node);

describe("gateway settings from CDK context", () => {
  it("leaves every setting to its default when no context is given", () => {
    expect(Object.values(fromContext({})).filter((value) => value !== undefined)).toEqual([]);
  });

  it("reads strings as `cdk -c key=value` gives them", () => {
    expect(
      fromContext({
        accountId: "acct-1",
        upstreamOverrides: '{"openai":"https://openai.internal/v1"}',
        proxyMemorySize: "512",
        apiMemorySize: "1024",
        logWriterMemorySize: "256",
        logRetentionDays: "7",
        logsTtlDays: "90",
        logShards: "16",
        logLevel: "debug",
        stageName: "v2",
        tracing: "true",
        tableRemovalPolicy: "destroy",
        apiGatewayCloudWatchRole: "false",
        trustedUpstreamHosts: "llm.corp.internal, 10.0.0.12",
        allowBedrockWithLambdaRole: "false",
        webAclArn: "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/gateway/1",
        metricsNamespace: "Team/AiGateway",
        alarmTopicArn: "arn:aws:sns:eu-west-1:123456789012:gateway-alarms",
      }),
    ).toEqual({
      accountId: "acct-1",
      upstreamOverrides: { openai: "https://openai.internal/v1" },
      proxyMemorySize: 512,
      apiMemorySize: 1024,
      logWriterMemorySize: 256,
      logRetention: RetentionDays.ONE_WEEK,
      logsTtlDays: 90,
      logShards: 16,
      logLevel: "DEBUG",
      stageName: "v2",
      tracing: true,
      tableRemovalPolicy: RemovalPolicy.DESTROY,
      apiGatewayCloudWatchRole: false,
      trustedUpstreamHosts: ["llm.corp.internal", "10.0.0.12"],
      allowBedrockWithLambdaRole: false,
      webAclArn: "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/gateway/1",
      metricsNamespace: "Team/AiGateway",
      alarmTopicArn: "arn:aws:sns:eu-west-1:123456789012:gateway-alarms",
    });
  });

  it("reads trustedUpstreamHosts as a comma-separated list, a JSON array string, or an array", () => {
    expect(fromContext({ trustedUpstreamHosts: "a.internal" }).trustedUpstreamHosts).toEqual(["a.internal"]);
    expect(fromContext({ trustedUpstreamHosts: '["a.internal", "10.0.0.1"]' }).trustedUpstreamHosts).toEqual([
      "a.internal",
      "10.0.0.1",
    ]);
    expect(
      fromContext({ trustedUpstreamHosts: ["a.internal", " b.internal "] }).trustedUpstreamHosts,
    ).toEqual(["a.internal", "b.internal"]);
    expect(fromContext({ trustedUpstreamHosts: "" }).trustedUpstreamHosts).toEqual([]);
  });

  it("reads JSON values as cdk.json gives them", () => {
    expect(
      fromContext({
        upstreamOverrides: { groq: "https://groq.internal" },
        proxyMemorySize: 384,
        tracing: false,
        allowBedrockWithLambdaRole: true,
      }),
    ).toMatchObject({
      allowBedrockWithLambdaRole: true,
      upstreamOverrides: { groq: "https://groq.internal" },
      proxyMemorySize: 384,
      tracing: false,
    });
  });

  it("fails with a message naming the bad setting", () => {
    expect(() => fromContext({ proxyMemorySize: "lots" })).toThrow(
      /"proxyMemorySize" must be a positive integer/,
    );
    expect(() => fromContext({ upstreamOverrides: "{not json" })).toThrow(
      /"upstreamOverrides" must be a JSON/,
    );
    expect(() => fromContext({ upstreamOverrides: '{"openai":1}' })).toThrow(/"upstreamOverrides"/);
    expect(() => fromContext({ logRetentionDays: "10" })).toThrow(/"logRetentionDays" must be one of/);
    expect(() => fromContext({ logLevel: "LOUD" })).toThrow(/"logLevel"/);
    expect(() => fromContext({ logsTtlDays: "-1" })).toThrow(/"logsTtlDays" must be a whole number of days/);
    expect(() => fromContext({ tracing: "yes" })).toThrow(/"tracing" must be true or false/);
    expect(() => fromContext({ tableRemovalPolicy: "keep" })).toThrow(/"tableRemovalPolicy"/);
    expect(() => fromContext({ trustedUpstreamHosts: "a.internal,,b.internal" })).toThrow(
      /"trustedUpstreamHosts" must be a comma-separated list or a JSON array/,
    );
    expect(() => fromContext({ trustedUpstreamHosts: '["a.internal"' })).toThrow(/"trustedUpstreamHosts"/);
    expect(() => fromContext({ trustedUpstreamHosts: [1] })).toThrow(/"trustedUpstreamHosts"/);
    expect(() => fromContext({ allowBedrockWithLambdaRole: "no" })).toThrow(
      /"allowBedrockWithLambdaRole" must be true or false/,
    );
    expect(() => fromContext({ webAclArn: "" })).toThrow(/"webAclArn" must be a non-empty string/);
    expect(() => fromContext({ metricsNamespace: "AWS/Lambda" })).toThrow(
      /"metricsNamespace" must be a CloudWatch/,
    );
    expect(() => fromContext({ alarmTopicArn: "ops@example.com" })).toThrow(
      /"alarmTopicArn" must be an SNS topic ARN/,
    );
  });

  it("reads logExport as `-c logExport=true` or a cdk.json boolean, and refuses anything else", () => {
    expect(fromContext({ logExport: "true" }).logExport).toBe(true);
    expect(fromContext({ logExport: false }).logExport).toBe(false);
    expect(() => fromContext({ logExport: "yes" })).toThrow(/"logExport" must be true or false/);
  });

  it("names the key, the form it takes and the value given", () => {
    expect(() => fromContext({ logLevel: "LOUD" })).toThrow(
      'CDK context "logLevel" must be one of "DEBUG", "INFO", "WARN", "ERROR", got "LOUD"',
    );
    expect(() => fromContext({ proxyMemorySize: "" })).toThrow(
      'CDK context "proxyMemorySize" must be a positive integer, got ""',
    );
  });

  it("reports every bad setting at once, one line each", () => {
    const failure = (() => {
      try {
        fromContext({ proxyMemorySize: "0", tracing: "yes", accountId: "acct-1", stageName: "" });
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(failure?.split("\n")).toEqual([
      'CDK context "proxyMemorySize" must be a positive integer, got "0"',
      'CDK context "stageName" must be a non-empty string, got ""',
      'CDK context "tracing" must be true or false, got "yes"',
    ]);
  });
});
