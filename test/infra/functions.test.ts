import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { describe, expect, it } from "vitest";
import { synthGateway } from "./synth-gateway.ts";

const overrides = {
  openai: "https://openai.mock.internal/v1",
  "google-ai-studio": "https://gemini.mock.internal",
};

describe("Lambda functions", () => {
  const { stack, template, logicalId, properties } = synthGateway({
    upstreamOverrides: overrides,
    trustedUpstreamHosts: ["llm.corp.internal", "10.0.0.12"],
  });
  const {
    proxyFunction,
    apiFunction,
    logWriterFunction,
    logDeleterFunction,
    configTable,
    logsTable,
    stateTable,
    logQueue,
    adminTokenSecret,
    providerKeysKey,
  } = stack.gateway;
  const functions = [
    ["proxy", proxyFunction, "ai-gateway-proxy"],
    ["api", apiFunction, "ai-gateway-api"],
    ["log-writer", logWriterFunction, "ai-gateway-log-writer"],
    ["log-deleter", logDeleterFunction, "ai-gateway-log-deleter"],
  ] as const;
  const environment = (fn: typeof proxyFunction) =>
    (properties(fn).Environment as { Variables: Record<string, unknown> }).Variables;

  it("declares four functions", () => {
    template.resourceCountIs("AWS::Lambda::Function", 4);
  });

  it.each(functions)("%s runs nodejs22.x on arm64 with the exported `handler`", (_, fn) => {
    expect(properties(fn)).toMatchObject({
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      // NodejsFunction bundles to index.mjs (ESM output); the export is `handler`.
      Handler: "index.handler",
    });
  });

  it.each(functions)("%s sets the Powertools environment", (_, fn, serviceName) => {
    expect(environment(fn)).toMatchObject({
      POWERTOOLS_SERVICE_NAME: serviceName,
      POWERTOOLS_LOG_LEVEL: "INFO",
    });
  });

  it("maps stack traces to the sources in the api and the log-writer, not on the proxy's hot path", () => {
    expect(environment(apiFunction).NODE_OPTIONS).toBe("--enable-source-maps");
    expect(environment(logWriterFunction).NODE_OPTIONS).toBe("--enable-source-maps");
    expect(environment(proxyFunction)).not.toHaveProperty("NODE_OPTIONS");
  });

  it("gives the proxy 15 minutes (a streamed integration's limit) and 192 MB (docs/cost.md, the memory table)", () => {
    expect(properties(proxyFunction)).toMatchObject({ Timeout: 900, MemorySize: 192 });
  });

  it("gives the api 29 s (a buffered integration's limit) and 512 MB", () => {
    expect(properties(apiFunction)).toMatchObject({ Timeout: 29, MemorySize: 512 });
  });

  it("gives the log-writer 60 s and 512 MB", () => {
    expect(properties(logWriterFunction)).toMatchObject({ Timeout: 60, MemorySize: 512 });
  });

  it("passes the proxy its account, tables, queue, secret, KMS key, trusted hosts, guardrail and one variable per upstream override", () => {
    expect(environment(proxyFunction)).toEqual({
      POWERTOOLS_SERVICE_NAME: "ai-gateway-proxy",
      POWERTOOLS_LOG_LEVEL: "INFO",
      POWERTOOLS_METRICS_NAMESPACE: "AiGateway",
      POWERTOOLS_TRACE_ENABLED: "true",
      ACCOUNT_ID: { Ref: "AWS::AccountId" },
      CONFIG_TABLE_NAME: { Ref: logicalId(configTable) },
      LOGS_TABLE_NAME: { Ref: logicalId(logsTable) },
      STATE_TABLE_NAME: { Ref: logicalId(stateTable) },
      LOG_QUEUE_URL: { Ref: logicalId(logQueue) },
      AIG_API_TOKEN_SECRET_ARN: { Ref: logicalId(adminTokenSecret) },
      PROVIDER_KEYS_KMS_KEY_ID: { "Fn::GetAtt": [logicalId(providerKeysKey), "Arn"] },
      TRUSTED_UPSTREAM_HOSTS: "llm.corp.internal,10.0.0.12",
      UPSTREAM_OPENAI_URL: "https://openai.mock.internal/v1",
      UPSTREAM_GOOGLE_AI_STUDIO_URL: "https://gemini.mock.internal",
      UPSTREAM_TIMEOUT_MS: "285000",
      FIRST_BYTE_DEADLINE_MS: "290000",
      BEDROCK_GUARDRAIL_ID: { "Fn::GetAtt": [logicalId(stack.gateway.guardrail.guardrail), "GuardrailId"] },
      BEDROCK_GUARDRAIL_VERSION: { "Fn::GetAtt": [logicalId(stack.gateway.guardrail.version), "Version"] },
    });
  });

  it("passes the api its account, tables, secret and KMS key", () => {
    const variables = environment(apiFunction);
    expect(variables).toMatchObject({
      ACCOUNT_ID: { Ref: "AWS::AccountId" },
      CONFIG_TABLE_NAME: { Ref: logicalId(configTable) },
      LOGS_TABLE_NAME: { Ref: logicalId(logsTable) },
      LOG_SHARDS: "8",
      AIG_API_TOKEN_SECRET_ARN: { Ref: logicalId(adminTokenSecret) },
      PROVIDER_KEYS_KMS_KEY_ID: { "Fn::GetAtt": [logicalId(providerKeysKey), "Arn"] },
    });
    expect(Object.keys(variables).filter((name) => name.startsWith("UPSTREAM_"))).toEqual([]);
    expect(variables).not.toHaveProperty("TRUSTED_UPSTREAM_HOSTS");
  });

  it("passes the log-writer its tables and the log TTL only (0: logs kept until deleted)", () => {
    const variables = environment(logWriterFunction);
    expect(variables).toMatchObject({
      CONFIG_TABLE_NAME: { Ref: logicalId(configTable) },
      LOGS_TABLE_NAME: { Ref: logicalId(logsTable) },
      LOGS_TTL_DAYS: "0",
      LOG_SHARDS: "8",
    });
    expect(variables).not.toHaveProperty("AIG_API_TOKEN_SECRET_ARN");
    expect(variables).not.toHaveProperty("LOG_QUEUE_URL");
    expect(variables).not.toHaveProperty("PROVIDER_KEYS_KMS_KEY_ID");
    expect(variables).not.toHaveProperty("STATE_TABLE_NAME");
  });

  it("passes the log-writer the trusted hosts, which the SSRF guard of gateways' OTLP endpoints reads", () => {
    const custom = synthGateway({ trustedUpstreamHosts: ["otel.corp.internal"] });
    const variables = (
      custom.properties(custom.stack.gateway.logWriterFunction) as {
        Environment: { Variables: Record<string, unknown> };
      }
    ).Environment.Variables;
    expect(variables.TRUSTED_UPSTREAM_HOSTS).toBe("otel.corp.internal");
  });

  it.each(functions)("%s logs to its own log group, kept one month by default", (_, fn) => {
    const logGroup = (properties(fn).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    const logGroups = template.findResources("AWS::Logs::LogGroup") as Record<
      string,
      { Properties: { RetentionInDays: number } }
    >;
    expect(logGroups[logGroup]?.Properties.RetentionInDays).toBe(30);
  });

  it("takes the account id, memory sizes, log level and log retention from props", () => {
    const custom = synthGateway({
      accountId: "0123456789abcdef",
      proxyMemorySize: 512,
      apiMemorySize: 1024,
      logWriterMemorySize: 256,
      logLevel: "DEBUG",
      logRetention: RetentionDays.ONE_WEEK,
    });
    const gateway = custom.stack.gateway;
    expect(custom.properties(gateway.proxyFunction)).toMatchObject({
      MemorySize: 512,
      Environment: { Variables: { ACCOUNT_ID: "0123456789abcdef", POWERTOOLS_LOG_LEVEL: "DEBUG" } },
    });
    expect(custom.properties(gateway.apiFunction)).toMatchObject({
      MemorySize: 1024,
      Environment: { Variables: { ACCOUNT_ID: "0123456789abcdef" } },
    });
    expect(custom.properties(gateway.logWriterFunction)).toMatchObject({ MemorySize: 256 });
    const retentions = Object.values(
      custom.template.findResources("AWS::Logs::LogGroup") as Record<
        string,
        { Properties: { RetentionInDays: number } }
      >,
    ).map((logGroup) => logGroup.Properties.RetentionInDays);
    // Four function log groups and the API's access and execution log groups.
    expect(retentions).toEqual([7, 7, 7, 7, 7, 7]);
  });

  it("passes the api and the log-writer the same shard count from logShards, and refuses one that is not a power of two", () => {
    const custom = synthGateway({ logShards: 32 });
    const gateway = custom.stack.gateway;
    for (const fn of [gateway.apiFunction, gateway.logWriterFunction, gateway.logDeleterFunction])
      expect(custom.properties(fn)).toMatchObject({ Environment: { Variables: { LOG_SHARDS: "32" } } });
    expect(() => synthGateway({ logShards: 12 })).toThrow(/logShards must be a power of two/);
  });

  it.each(functions)("%s is traced by X-Ray (active) by default, with the Powertools tracer on", (_, fn) => {
    expect(properties(fn).TracingConfig).toEqual({ Mode: "Active" });
    expect(environment(fn)).toMatchObject({ POWERTOOLS_TRACE_ENABLED: "true" });
  });

  it("turns tracing off on every function with `tracing: false`, Powertools tracer included", () => {
    const untraced = synthGateway({ tracing: false });
    const gateway = untraced.stack.gateway;
    for (const fn of [gateway.proxyFunction, gateway.apiFunction, gateway.logWriterFunction]) {
      expect(untraced.properties(fn)).not.toHaveProperty("TracingConfig");
      expect(untraced.properties(fn)).toMatchObject({
        Environment: { Variables: { POWERTOOLS_TRACE_ENABLED: "false" } },
      });
    }
  });

  it.each(functions)("%s emits its metrics to the AiGateway namespace, or the one given", (_, fn) => {
    expect(environment(fn)).toMatchObject({ POWERTOOLS_METRICS_NAMESPACE: "AiGateway" });
    const custom = synthGateway({ metricsNamespace: "Team/Gateway" });
    const same = [
      custom.stack.gateway.proxyFunction,
      custom.stack.gateway.apiFunction,
      custom.stack.gateway.logWriterFunction,
    ];
    for (const customFn of same) {
      expect(custom.properties(customFn)).toMatchObject({
        Environment: { Variables: { POWERTOOLS_METRICS_NAMESPACE: "Team/Gateway" } },
      });
    }
  });
});
