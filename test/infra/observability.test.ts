import { describe, expect, it } from "vitest";
import { ALARM_THRESHOLDS, UNFINISHED_STREAMS_METRIC } from "../../infra/aws/constructs/gateway-alarms.ts";
import { DIMENSIONS, METRIC_NAMES } from "../../shared/observability/metric-names.ts";
import { synthGateway } from "./synth-gateway.ts";

interface AlarmProperties {
  AlarmDescription: string;
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  TreatMissingData: string;
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  Period?: number;
  Dimensions?: Array<{ Name: string; Value: unknown }>;
  Metrics?: Array<{
    Id: string;
    Expression?: string;
    ReturnData?: boolean;
    MetricStat?: {
      Metric: { MetricName: string; Namespace: string; Dimensions: Array<{ Name: string; Value: unknown }> };
      Stat: string;
      Period: number;
    };
  }>;
  AlarmActions?: unknown[];
  OKActions?: unknown[];
}

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:gateway-alarms";

describe("CloudWatch dashboard", () => {
  const { stack, template } = synthGateway();
  const dashboards = template.findResources("AWS::CloudWatch::Dashboard") as Record<
    string,
    { Properties: { DashboardBody: unknown } }
  >;
  // The body is a Fn::Join of strings and tokens: its resolved text, with tokens as their JSON.
  const body = JSON.stringify(Object.values(dashboards)[0]?.Properties.DashboardBody);

  it("exists, once", () => {
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
  });

  it("graphs every proxy metric from the gateway's namespace and the proxy's service dimension", () => {
    expect(body).toContain('\\"AiGateway\\"');
    expect(body).toContain('\\"service\\",\\"ai-gateway-proxy\\"');
    for (const name of Object.values(METRIC_NAMES)) expect(body, name).toContain(`\\"${name}\\"`);
  });

  it("breaks traffic down per gateway and provider, and per provider and model, with SEARCH", () => {
    expect(body).toContain(
      `SEARCH('{AiGateway,${DIMENSIONS.service},${DIMENSIONS.gateway},${DIMENSIONS.provider}} MetricName=\\\\\\"Requests\\\\\\"`,
    );
    expect(body).toContain(`{AiGateway,${DIMENSIONS.service},${DIMENSIONS.provider},${DIMENSIONS.model}}`);
  });

  it("graphs the API stage, every function, the queue and the dead-letter queue", () => {
    for (const metric of ["4XXError", "5XXError", "Latency", "IntegrationLatency"]) {
      expect(body).toContain(`\\"AWS/ApiGateway\\",\\"${metric}\\"`);
    }
    for (const metric of ["Errors", "Throttles", "Duration", "Invocations"]) {
      expect(body).toContain(`\\"AWS/Lambda\\",\\"${metric}\\"`);
    }
    const gateway = stack.gateway;
    for (const fn of [gateway.proxyFunction, gateway.apiFunction, gateway.logWriterFunction]) {
      expect(body).toContain(JSON.stringify(stack.resolve(fn.functionName)));
    }
    for (const metric of [
      "ApproximateNumberOfMessagesVisible",
      "ApproximateNumberOfMessagesNotVisible",
      "ApproximateAgeOfOldestMessage",
    ]) {
      expect(body).toContain(`\\"AWS/SQS\\",\\"${metric}\\"`);
    }
    expect(body).toContain(JSON.stringify(stack.resolve(gateway.logDeadLetterQueue.queueName)));
  });

  it("shows the alarms", () => {
    expect(body).toContain('\\"alarms\\":[');
    for (const alarm of stack.gateway.alarms.all) {
      expect(body).toContain(JSON.stringify(stack.resolve(alarm.alarmArn)));
    }
  });

  it("uses the configured namespace", () => {
    const custom = synthGateway({ metricsNamespace: "Team/Gateway" });
    const customBody = JSON.stringify(
      Object.values(
        custom.template.findResources("AWS::CloudWatch::Dashboard") as Record<
          string,
          { Properties: { DashboardBody: unknown } }
        >,
      )[0]?.Properties.DashboardBody,
    );
    expect(customBody).toContain('\\"Team/Gateway\\",\\"Requests\\"');
    expect(customBody).not.toContain('\\"AiGateway\\",\\"Requests\\"');
  });
});

describe("CloudWatch alarms", () => {
  const { stack, template, logicalId } = synthGateway();
  const gateway = stack.gateway;
  const alarm = (construct: (typeof gateway.alarms.all)[number]) =>
    (template.toJSON().Resources as Record<string, { Properties: AlarmProperties }>)[logicalId(construct)]
      ?.Properties as AlarmProperties;

  it("are eight, each not breaching on missing data (no traffic is not an incident)", () => {
    template.resourceCountIs("AWS::CloudWatch::Alarm", 8);
    for (const each of gateway.alarms.all) {
      expect(alarm(each).TreatMissingData).toBe("notBreaching");
      expect(alarm(each).AlarmDescription.length).toBeGreaterThan(40);
    }
  });

  it("fire on the proxy's error rate: (provider + gateway errors) / requests over 5%, with enough requests", () => {
    const rate = alarm(gateway.alarms.proxyErrorRate);
    expect(rate).toMatchObject({
      Threshold: ALARM_THRESHOLDS.proxyErrorRatePercent,
      ComparisonOperator: "GreaterThanThreshold",
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    const expression = rate.Metrics?.find((metric) => metric.Expression);
    expect(expression).toMatchObject({
      ReturnData: true,
      Expression: "IF(requests >= 10, 100 * (providerErrors + gatewayErrors) / requests, 0)",
    });
    const inputs = Object.fromEntries(
      (rate.Metrics ?? [])
        .filter((metric) => metric.MetricStat)
        .map((metric) => [metric.Id, metric.MetricStat]),
    );
    expect(inputs).toEqual({
      requests: expect.objectContaining({ Stat: "Sum", Period: 300 }),
      providerErrors: expect.objectContaining({ Stat: "Sum", Period: 300 }),
      gatewayErrors: expect.objectContaining({ Stat: "Sum", Period: 300 }),
    });
    expect(inputs.requests?.Metric).toEqual({
      MetricName: METRIC_NAMES.requests,
      Namespace: "AiGateway",
      Dimensions: [{ Name: "service", Value: "ai-gateway-proxy" }],
    });
    expect(inputs.providerErrors?.Metric.MetricName).toBe(METRIC_NAMES.providerErrors);
    expect(inputs.gatewayErrors?.Metric.MetricName).toBe(METRIC_NAMES.gatewayErrors);
  });

  it("fire on any proxy throttle", () => {
    expect(alarm(gateway.alarms.proxyThrottles)).toMatchObject({
      Namespace: "AWS/Lambda",
      MetricName: "Throttles",
      Statistic: "Sum",
      Period: 300,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: logicalId(gateway.proxyFunction) } }],
    });
  });

  it("fire when the log-delete dead-letter queue holds a message (a job left unfinished)", () => {
    expect(alarm(gateway.alarms.logDeleteDeadLetterQueue)).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Statistic: "Maximum",
      Threshold: 1,
      Dimensions: [
        {
          Name: "QueueName",
          Value: { "Fn::GetAtt": [logicalId(gateway.logDeleteDeadLetterQueue), "QueueName"] },
        },
      ],
    });
  });

  it("fire when the dead-letter queue holds a message", () => {
    expect(alarm(gateway.alarms.deadLetterQueue)).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Statistic: "Maximum",
      Period: 60,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      Dimensions: [
        { Name: "QueueName", Value: { "Fn::GetAtt": [logicalId(gateway.logDeadLetterQueue), "QueueName"] } },
      ],
    });
  });

  it("fire on any log-writer error", () => {
    expect(alarm(gateway.alarms.logWriterErrors)).toMatchObject({
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Statistic: "Sum",
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: logicalId(gateway.logWriterFunction) } }],
    });
  });

  it("fire when the oldest queued log is 5 minutes old", () => {
    expect(alarm(gateway.alarms.oldestQueuedLog)).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateAgeOfOldestMessage",
      Statistic: "Maximum",
      Threshold: 300,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      Dimensions: [
        { Name: "QueueName", Value: { "Fn::GetAtt": [logicalId(gateway.logQueue), "QueueName"] } },
      ],
    });
  });

  it("fire when the proxy could not queue a log event", () => {
    expect(alarm(gateway.alarms.logPipelineFailures)).toMatchObject({
      Namespace: "AiGateway",
      MetricName: METRIC_NAMES.logPipelineFailures,
      Statistic: "Sum",
      Threshold: 1,
      Dimensions: [{ Name: "service", Value: "ai-gateway-proxy" }],
    });
  });

  it("count the proxy's unfinished response streams from its log group", () => {
    const filters = Object.values(
      template.findResources("AWS::Logs::MetricFilter") as Record<
        string,
        { Properties: { LogGroupName: unknown; FilterPattern: string; MetricTransformations: unknown[] } }
      >,
    ).map((filter) => filter.Properties);
    const proxyLogGroup = { Ref: logicalId(gateway.node.findChild("Proxy").node.findChild("LogGroup")) };

    expect(filters).toEqual([
      {
        LogGroupName: proxyLogGroup,
        FilterPattern: '"Response stream is not finished"',
        MetricTransformations: [
          { MetricNamespace: "AiGateway", MetricName: UNFINISHED_STREAMS_METRIC, MetricValue: "1" },
        ],
      },
    ]);
  });

  it("fire on any proxy invocation error or unfinished response stream", () => {
    const errors = alarm(gateway.alarms.proxyInvocationErrors);
    expect(errors).toMatchObject({ Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold" });
    expect(errors.Metrics?.find((metric) => metric.Expression)).toMatchObject({
      Expression: "FILL(functionErrors, 0) + FILL(unfinishedStreams, 0)",
    });
    const inputs = Object.fromEntries(
      (errors.Metrics ?? [])
        .filter((metric) => metric.MetricStat)
        .map((metric) => [metric.Id, metric.MetricStat]),
    );
    expect(inputs.functionErrors).toMatchObject({
      Stat: "Sum",
      Period: 300,
      Metric: { Namespace: "AWS/Lambda", MetricName: "Errors" },
    });
    expect(inputs.unfinishedStreams).toMatchObject({
      Stat: "Sum",
      Period: 300,
      Metric: { Namespace: "AiGateway", MetricName: UNFINISHED_STREAMS_METRIC },
    });
  });

  it("notify nobody without an alarm topic", () => {
    for (const each of gateway.alarms.all) {
      expect(alarm(each)).not.toHaveProperty("AlarmActions");
      expect(alarm(each)).not.toHaveProperty("OKActions");
    }
    template.resourceCountIs("AWS::SNS::Topic", 0);
  });

  it("send ALARM and OK to the alarm topic when one is given", () => {
    const notified = synthGateway({ alarmTopicArn: TOPIC });
    const resources = notified.template.toJSON().Resources as Record<string, { Properties: AlarmProperties }>;
    for (const each of notified.stack.gateway.alarms.all) {
      const properties = resources[notified.logicalId(each)]?.Properties;
      expect(properties?.AlarmActions).toEqual([TOPIC]);
      expect(properties?.OKActions).toEqual([TOPIC]);
    }
    // An existing topic is referenced, not created.
    notified.template.resourceCountIs("AWS::SNS::Topic", 0);
  });
});
