import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { describe, expect, it } from "vitest";
import { roleStatements, synthGateway } from "./synth-gateway.ts";

const DYNAMODB_WRITES = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
];

describe("IAM permissions (least privilege)", () => {
  const { stack, template, logicalId, properties } = synthGateway();
  const {
    proxyFunction,
    apiFunction,
    logWriterFunction,
    configTable,
    logsTable,
    stateTable,
    logQueue,
    adminTokenSecret,
  } = stack.gateway;

  const statementsOf = (fn: IFunction) => {
    if (!fn.role) throw new Error(`${fn.node.path} has no role`);
    return roleStatements(template, logicalId(fn.role));
  };
  const actionsOn = (fn: IFunction, resourceLogicalId: string): string[] =>
    statementsOf(fn)
      .filter((statement) => statement.resource.includes(`"${resourceLogicalId}"`))
      .flatMap((statement) => statement.actions);

  it.each([
    ["proxy", proxyFunction],
    ["api", apiFunction],
    ["log-writer", logWriterFunction],
  ])("%s has its own role, with no managed policy, that writes to its own log group only", (_, fn) => {
    if (!fn.role) throw new Error("no role");
    const role = properties(fn.role);
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        { Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" } },
      ],
    });
    const logGrants = statementsOf(fn).filter((statement) =>
      statement.actions.some((action) => action.startsWith("logs:")),
    );
    const ownLogGroup = (properties(fn).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(logGrants).toEqual([
      {
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resource: JSON.stringify({ "Fn::GetAtt": [ownLogGroup, "Arn"] }),
      },
    ]);
  });

  it("lets the proxy send to the log queue", () => {
    expect(actionsOn(proxyFunction, logicalId(logQueue))).toContain("sqs:SendMessage");
    expect(actionsOn(proxyFunction, logicalId(logQueue))).not.toContain("sqs:ReceiveMessage");
  });

  it("gives the proxy nothing on the logs table (its logs go through the queue)", () => {
    expect(actionsOn(proxyFunction, logicalId(logsTable))).toEqual([]);
  });

  it("lets the proxy read and write the config table (default gateway; tokens, provider keys, custom providers)", () => {
    expect(actionsOn(proxyFunction, logicalId(configTable))).toEqual(
      expect.arrayContaining(["dynamodb:GetItem", "dynamodb:Query", ...DYNAMODB_WRITES]),
    );
  });

  it("lets the log-writer write the logs table and only read the config table", () => {
    expect(actionsOn(logWriterFunction, logicalId(logsTable))).toEqual(
      expect.arrayContaining(DYNAMODB_WRITES),
    );
    const onConfig = actionsOn(logWriterFunction, logicalId(configTable));
    expect(onConfig).toContain("dynamodb:GetItem");
    for (const write of DYNAMODB_WRITES) expect(onConfig).not.toContain(write);
  });

  it("lets the proxy and the log-writer, and not the api, read and write the state table", () => {
    for (const fn of [proxyFunction, logWriterFunction]) {
      expect(actionsOn(fn, logicalId(stateTable))).toEqual(
        expect.arrayContaining(["dynamodb:GetItem", "dynamodb:Query", ...DYNAMODB_WRITES]),
      );
    }
    expect(actionsOn(apiFunction, logicalId(stateTable))).toEqual([]);
  });

  it("lets the log-writer consume the log queue, and not send to it", () => {
    const onQueue = actionsOn(logWriterFunction, logicalId(logQueue));
    expect(onQueue).toEqual(expect.arrayContaining(["sqs:ReceiveMessage", "sqs:DeleteMessage"]));
    expect(onQueue).not.toContain("sqs:SendMessage");
  });

  it("lets the api read and write both tables", () => {
    for (const table of [configTable, logsTable]) {
      expect(actionsOn(apiFunction, logicalId(table))).toEqual(
        expect.arrayContaining(["dynamodb:Query", ...DYNAMODB_WRITES]),
      );
    }
  });

  it("lets the proxy and the api, and only them, read the admin token secret", () => {
    const secret = logicalId(adminTokenSecret);
    expect(actionsOn(proxyFunction, secret)).toContain("secretsmanager:GetSecretValue");
    expect(actionsOn(apiFunction, secret)).toContain("secretsmanager:GetSecretValue");
    expect(actionsOn(logWriterFunction, secret)).toEqual([]);
    const readers = Object.values(
      template.findResources("AWS::IAM::Policy") as Record<string, { Properties: unknown }>,
    ).filter((policy) => JSON.stringify(policy.Properties).includes(`"${secret}"`));
    expect(readers).toHaveLength(2);
  });

  it("grants no wildcard actions in any inline policy", () => {
    const actions = Object.values(
      template.findResources("AWS::IAM::Policy") as Record<
        string,
        { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[] }> } } }
      >,
    ).flatMap((policy) =>
      policy.Properties.PolicyDocument.Statement.flatMap((statement) => statement.Action),
    );
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action === "*" || action.endsWith(":*"))).toEqual([]);
  });

  it("lets API Gateway invoke the proxy and the api from their own routes", () => {
    const permissions = Object.values(
      template.findResources("AWS::Lambda::Permission") as Record<
        string,
        { Properties: { Action: string; FunctionName: unknown; Principal: string } }
      >,
    ).map((permission) => permission.Properties);
    for (const permission of permissions) {
      expect(permission.Action).toBe("lambda:InvokeFunction");
      expect(permission.Principal).toBe("apigateway.amazonaws.com");
    }
    const invoked = new Set(permissions.map((permission) => JSON.stringify(permission.FunctionName)));
    expect(invoked).toEqual(
      new Set([
        JSON.stringify({ "Fn::GetAtt": [logicalId(proxyFunction), "Arn"] }),
        JSON.stringify({ "Fn::GetAtt": [logicalId(apiFunction), "Arn"] }),
      ]),
    );
  });
});
