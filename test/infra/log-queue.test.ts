import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { synthGateway } from "./synth-gateway.ts";

describe("log queue", () => {
  const { stack, template, logicalId, properties } = synthGateway();
  const { logQueue, logDeadLetterQueue, logWriterFunction } = stack.gateway;

  it("is encrypted at rest with SQS-managed keys, as is its dead-letter queue", () => {
    // The log queue and the log-delete queue (log-delete-queue.test.ts), each with its dead-letter queue.
    template.resourceCountIs("AWS::SQS::Queue", 4);
    expect(properties(logQueue)).toMatchObject({ SqsManagedSseEnabled: true });
    expect(properties(logDeadLetterQueue)).toMatchObject({ SqsManagedSseEnabled: true });
  });

  it.each([
    ["queue", logQueue],
    ["dead-letter queue", logDeadLetterQueue],
  ])("%s refuses requests that are not over TLS", (_, queue) => {
    template.hasResourceProperties("AWS::SQS::QueuePolicy", {
      Queues: [{ Ref: logicalId(queue) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Action: "sqs:*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      },
    });
  });

  it("moves a message to the dead-letter queue after 5 receives", () => {
    expect(properties(logQueue).RedrivePolicy).toEqual({
      deadLetterTargetArn: { "Fn::GetAtt": [logicalId(logDeadLetterQueue), "Arn"] },
      maxReceiveCount: 5,
    });
  });

  it("keeps dead letters for 14 days", () => {
    expect(properties(logDeadLetterQueue).MessageRetentionPeriod).toBe(14 * 24 * 60 * 60);
  });

  it("has a visibility timeout of at least 6x the log-writer timeout", () => {
    const logWriterTimeout = properties(logWriterFunction).Timeout as number;
    expect(logWriterTimeout).toBe(60);
    expect(properties(logQueue).VisibilityTimeout).toBeGreaterThanOrEqual(6 * logWriterTimeout);
  });

  it("feeds the log-writer in batches of 25 within 1 s, reporting partial batch failures", () => {
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [logicalId(logQueue), "Arn"] },
      FunctionName: { Ref: logicalId(logWriterFunction) },
      BatchSize: 25,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
  });
});
