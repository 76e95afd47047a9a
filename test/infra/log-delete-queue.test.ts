import { Match } from "aws-cdk-lib/assertions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { describe, expect, it } from "vitest";
import { roleStatements, synthGateway } from "./synth-gateway.ts";

describe("log-delete jobs: their queue and the log-deleter function", () => {
  const { stack, template, logicalId, properties } = synthGateway();
  const {
    logDeleteQueue,
    logDeleteDeadLetterQueue,
    logDeleterFunction,
    apiFunction,
    logWriterFunction,
    proxyFunction,
    logsTable,
    configTable,
    stateTable,
    logQueue,
    adminTokenSecret,
  } = stack.gateway;
  const actionsOn = (fn: IFunction, resourceLogicalId: string): string[] => {
    if (!fn.role) throw new Error(`${fn.node.path} has no role`);
    return roleStatements(template, logicalId(fn.role))
      .filter((statement) => statement.resource.includes(`"${resourceLogicalId}"`))
      .flatMap((statement) => statement.actions)
      .sort();
  };
  const environment = (fn: IFunction) =>
    (properties(fn).Environment as { Variables: Record<string, unknown> }).Variables;

  it("is encrypted with SQS-managed keys, TLS only, as is its dead-letter queue", () => {
    for (const queue of [logDeleteQueue, logDeleteDeadLetterQueue]) {
      expect(properties(queue)).toMatchObject({ SqsManagedSseEnabled: true });
      template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: logicalId(queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          ]),
        },
      });
    }
  });

  it("moves a message that keeps failing to its dead-letter queue after 5 receives", () => {
    expect(properties(logDeleteQueue).RedrivePolicy).toEqual({
      deadLetterTargetArn: { "Fn::GetAtt": [logicalId(logDeleteDeadLetterQueue), "Arn"] },
      maxReceiveCount: 5,
    });
  });

  it("hides a message for at least 6x the log-deleter's timeout, which is twice its budget per message", () => {
    const timeout = properties(logDeleterFunction).Timeout as number;
    expect(timeout).toBe(120);
    expect(properties(logDeleteQueue).VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    expect(environment(logDeleterFunction).LOG_DELETE_BUDGET_MS).toBe("60000");
  });

  it("feeds the log-deleter one message at a time, at most 2 at once, reporting failures", () => {
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [logicalId(logDeleteQueue), "Arn"] },
      FunctionName: { Ref: logicalId(logDeleterFunction) },
      BatchSize: 1,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it("runs the log-deleter handler on nodejs22.x, arm64, with the tables, bucket, shards and its queue", () => {
    expect(properties(logDeleterFunction)).toMatchObject({
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      Handler: "index.handler",
    });
    expect(environment(logDeleterFunction)).toMatchObject({
      POWERTOOLS_SERVICE_NAME: "ai-gateway-log-deleter",
      LOGS_TABLE_NAME: { Ref: logicalId(logsTable) },
      CONFIG_TABLE_NAME: { Ref: logicalId(configTable) },
      LOG_SHARDS: "8",
      LOG_DELETE_QUEUE_URL: { Ref: logicalId(logDeleteQueue) },
    });
  });

  it("names the queue to the api (DELETE .../logs) and the log-writer (retention), who may only send to it", () => {
    for (const fn of [apiFunction, logWriterFunction]) {
      expect(environment(fn).LOG_DELETE_QUEUE_URL).toEqual({ Ref: logicalId(logDeleteQueue) });
      const onQueue = actionsOn(fn, logicalId(logDeleteQueue));
      expect(onQueue).toContain("sqs:SendMessage");
      expect(onQueue).not.toContain("sqs:ReceiveMessage");
      expect(onQueue).not.toContain("sqs:DeleteMessage");
    }
    expect(actionsOn(proxyFunction, logicalId(logDeleteQueue))).toEqual([]);
  });

  it("lets the log-deleter consume its queue and send its next messages to it, and touch no other queue", () => {
    expect(actionsOn(logDeleterFunction, logicalId(logDeleteQueue))).toEqual(
      expect.arrayContaining(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:SendMessage"]),
    );
    expect(actionsOn(logDeleterFunction, logicalId(logQueue))).toEqual([]);
  });

  it("lets the log-deleter get, query, update and delete on the logs table, and never put", () => {
    expect(actionsOn(logDeleterFunction, logicalId(logsTable))).toEqual([
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ]);
  });

  it("lets the log-deleter only get items of the config table, and nothing of the state table or the secret", () => {
    expect(actionsOn(logDeleterFunction, logicalId(configTable))).toEqual(["dynamodb:GetItem"]);
    expect(actionsOn(logDeleterFunction, logicalId(stateTable))).toEqual([]);
    expect(actionsOn(logDeleterFunction, logicalId(adminTokenSecret))).toEqual([]);
  });
});
