import { App } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { propsFromContext } from "../../infra/aws/props-from-context.ts";
import { assemblyDirectory, synthGateway } from "./synth-gateway.ts";

const fromContext = (context: Record<string, unknown>) =>
  propsFromContext(new App({ outdir: assemblyDirectory(), context }).node);

describe("limits: stage throttling and the log-writer's concurrency", () => {
  const { stack, template, properties } = synthGateway();
  const { proxyFunction, apiFunction, logWriterFunction } = stack.gateway;

  const stageMethodSettings = (synthesized = template) =>
    (
      Object.values(synthesized.findResources("AWS::ApiGateway::Stage"))[0] as {
        Properties: { MethodSettings: Record<string, unknown>[] };
      }
    ).Properties.MethodSettings;
  const scalingConfig = (synthesized = template) =>
    (
      Object.values(synthesized.findResources("AWS::Lambda::EventSourceMapping"))[0] as {
        Properties: { ScalingConfig?: { MaximumConcurrency: number } };
      }
    ).Properties.ScalingConfig;

  it("throttles every method of the stage at 100 requests a second, bursts of 200, by default", () => {
    expect(stageMethodSettings()).toEqual([
      expect.objectContaining({
        HttpMethod: "*",
        ResourcePath: "/*",
        ThrottlingRateLimit: 100,
        ThrottlingBurstLimit: 200,
      }),
    ]);
  });

  it("takes the stage throttling from props", () => {
    const { template: custom } = synthGateway({ throttlingRateLimit: 25, throttlingBurstLimit: 50 });

    expect(stageMethodSettings(custom)).toEqual([
      expect.objectContaining({ ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 }),
    ]);
  });

  it("caps the log queue's event source mapping at 5 concurrent batches and reserves as many for the log-writer", () => {
    expect(scalingConfig()).toEqual({ MaximumConcurrency: 5 });
    expect(properties(logWriterFunction).ReservedConcurrentExecutions).toBe(5);
  });

  it("reserves nothing for the proxy and the api: they share the account's pool", () => {
    expect(properties(proxyFunction).ReservedConcurrentExecutions).toBeUndefined();
    expect(properties(apiFunction).ReservedConcurrentExecutions).toBeUndefined();
  });

  it("takes the log-writer's concurrency from props, and reserves none when told not to (small accounts)", () => {
    const custom = synthGateway({ logWriterMaxConcurrency: 8, reserveLogWriterConcurrency: false });

    expect(scalingConfig(custom.template)).toEqual({ MaximumConcurrency: 8 });
    expect(
      custom.properties(custom.stack.gateway.logWriterFunction).ReservedConcurrentExecutions,
    ).toBeUndefined();
  });

  it("refuses a log-writer concurrency the event source mapping cannot take (2 to 1000)", () => {
    expect(() => synthGateway({ logWriterMaxConcurrency: 1 })).toThrow(/logWriterMaxConcurrency/);
  });

  it("reads the limits from CDK context", () => {
    expect(
      fromContext({
        throttlingRateLimit: "40",
        throttlingBurstLimit: "80",
        logWriterMaxConcurrency: "3",
        reserveLogWriterConcurrency: "false",
      }),
    ).toMatchObject({
      throttlingRateLimit: 40,
      throttlingBurstLimit: 80,
      logWriterMaxConcurrency: 3,
      reserveLogWriterConcurrency: false,
    });
    expect(() => fromContext({ throttlingRateLimit: "many" })).toThrow(/throttlingRateLimit/);
  });
});
