import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Template } from "aws-cdk-lib/assertions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { describe, expect, it } from "vitest";
import { defaultGateway } from "../../shared/schemas/gateway.ts";
import { GatewayStore } from "../../shared/store/gateway-store.ts";
import { roleStatements, synthGateway } from "./synth-gateway.ts";

const ACCOUNT = "0123456789abcdef0123456789abcdef";

/** The statements of a role's inline policies, whole (conditions included). */
function conditionedStatements(template: Template, roleLogicalId: string): Record<string, unknown>[] {
  const policies = template.findResources("AWS::IAM::Policy") as Record<
    string,
    {
      Properties: {
        Roles: Array<{ Ref: string }>;
        PolicyDocument: { Statement: Record<string, unknown>[] };
      };
    }
  >;
  return Object.values(policies)
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref === roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

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

  it("lets the proxy read the config table, and write only by PutItem", () => {
    const onConfig = actionsOn(proxyFunction, logicalId(configTable));
    expect(onConfig).toEqual(expect.arrayContaining(["dynamodb:GetItem", "dynamodb:Query"]));
    expect(onConfig.filter((action) => DYNAMODB_WRITES.includes(action))).toEqual(["dynamodb:PutItem"]);
    expect(onConfig).not.toContain("dynamodb:UpdateItem");
    expect(onConfig).not.toContain("dynamodb:DeleteItem");
  });

  it("lets the proxy put only what creating the default gateway puts: a gateway item of its own account", async () => {
    // What GatewayStore sends when the proxy creates `default` (reference 4.3), captured from its client.
    const sent: Array<{ Item: Record<string, unknown> }> = [];
    const client = {
      send: async (command: { input: { Item: Record<string, unknown> } }) => {
        sent.push(command.input);
        return {};
      },
    } as unknown as DynamoDBDocumentClient;
    await new GatewayStore(client, "config").createIfAbsent(ACCOUNT, defaultGateway("default", new Date(0)));
    const {
      stack: own,
      template: ownTemplate,
      logicalId: ownLogicalId,
    } = synthGateway({ accountId: ACCOUNT });
    const { proxyFunction: proxy, configTable: config } = own.gateway;
    if (!proxy.role) throw new Error("no role");

    const puts = conditionedStatements(ownTemplate, ownLogicalId(proxy.role)).filter(
      (statement) =>
        [statement.Action].flat().includes("dynamodb:PutItem") &&
        JSON.stringify(statement.Resource).includes(`"${ownLogicalId(config)}"`),
    );

    expect(puts).toEqual([
      {
        Effect: "Allow",
        Action: "dynamodb:PutItem",
        Resource: { "Fn::GetAtt": [ownLogicalId(config), "Arn"] },
        Condition: {
          "ForAllValues:StringEquals": {
            "dynamodb:LeadingKeys": [sent[0]?.Item.pk],
            "dynamodb:Attributes": Object.keys(sent[0]?.Item ?? {}).sort(),
          },
        },
      },
    ]);
  });

  it("lets the log-writer write the logs table and only read the config table", () => {
    expect(actionsOn(logWriterFunction, logicalId(logsTable))).toEqual(
      expect.arrayContaining(DYNAMODB_WRITES),
    );
    const onConfig = actionsOn(logWriterFunction, logicalId(configTable));
    expect(onConfig).toContain("dynamodb:GetItem");
    for (const write of DYNAMODB_WRITES) expect(onConfig).not.toContain(write);
  });

  it("lets the proxy, and neither the log-writer nor the api, read and write the state table", () => {
    expect(actionsOn(proxyFunction, logicalId(stateTable))).toEqual(
      expect.arrayContaining(["dynamodb:GetItem", "dynamodb:Query", ...DYNAMODB_WRITES]),
    );
    // The proxy reserves and settles spend itself (docs/spend-limits.md): the log-writer has no use for it.
    expect(actionsOn(logWriterFunction, logicalId(stateTable))).toEqual([]);
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
