import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { synthGateway } from "./synth-gateway.ts";

interface MethodProperties {
  HttpMethod: string;
  /** A Ref to a resource, or (the root) a GetAtt of the API's RootResourceId. */
  ResourceId: { Ref?: string };
  Integration: Record<string, unknown> & { Uri: unknown };
}

describe("REST API", () => {
  const { stack, template, logicalId } = synthGateway();
  const { proxyFunction, apiFunction, restApi } = stack.gateway;

  const resources = template.findResources("AWS::ApiGateway::Resource") as Record<
    string,
    { Properties: { PathPart: string; ParentId: { Ref?: string; "Fn::GetAtt"?: string[] } } }
  >;
  /** The full path of an API Gateway resource, rebuilt from its PathPart and parents. */
  const pathOf = (resourceLogicalId: string): string => {
    const resource = resources[resourceLogicalId];
    if (!resource) return "";
    const parent = resource.Properties.ParentId.Ref;
    return `${parent ? pathOf(parent) : ""}/${resource.Properties.PathPart}`;
  };
  const methods = Object.values(
    template.findResources("AWS::ApiGateway::Method") as Record<string, { Properties: MethodProperties }>,
  ).map((method) => method.Properties);
  const methodPath = (method: MethodProperties): string =>
    method.ResourceId.Ref ? pathOf(method.ResourceId.Ref) : "/";
  const methodAt = (path: string): MethodProperties => {
    const method = methods.find((candidate) => methodPath(candidate) === path);
    if (!method) throw new Error(`no method at ${path}; have ${methods.map(methodPath)}`);
    return method;
  };
  const targets = (method: MethodProperties, fn: typeof proxyFunction): boolean =>
    JSON.stringify(method.Integration.Uri).includes(`"${logicalId(fn)}"`);

  it("is a REGIONAL REST API that treats every media type as binary", () => {
    template.resourceCountIs("AWS::ApiGateway::RestApi", 1);
    template.hasResourceProperties("AWS::ApiGateway::RestApi", {
      EndpointConfiguration: { Types: ["REGIONAL"] },
      BinaryMediaTypes: ["*/*"],
    });
  });

  it("serves exactly the four greedy API routes, the OpenAPI document and the console's two", () => {
    expect(methods.map((method) => `${method.HttpMethod} ${methodPath(method)}`).sort()).toEqual([
      "ANY /",
      "ANY /client/v4/accounts/{account_id}/ai-gateway/{proxy+}",
      "ANY /client/v4/accounts/{account_id}/ai/{proxy+}",
      "ANY /client/v4/accounts/{account_id}/dlp/{proxy+}",
      "ANY /client/v4/openapi.json",
      "ANY /console/{proxy+}",
      "ANY /v1/{proxy+}",
    ]);
  });

  it.each(["/", "/console/{proxy+}"])("sends the console's %s to the api function, buffered", (path) => {
    const method = methodAt(path);
    expect(targets(method, apiFunction)).toBe(true);
    expect(method.Integration.Type).toBe("AWS_PROXY");
    expect(method.Integration.ResponseTransferMode ?? "BUFFERED").toBe("BUFFERED");
  });

  it.each(["/v1/{proxy+}", "/client/v4/accounts/{account_id}/ai/{proxy+}"])(
    "streams %s from the proxy, with a 15-minute integration timeout",
    (path) => {
      const method = methodAt(path);
      expect(targets(method, proxyFunction)).toBe(true);
      expect(method.Integration).toMatchObject({
        Type: "AWS_PROXY",
        ResponseTransferMode: "STREAM",
        TimeoutInMillis: 15 * 60 * 1000,
      });
      // Streaming goes through Lambda's InvokeWithResponseStream API.
      expect(JSON.stringify(method.Integration.Uri)).toContain("/response-streaming-invocations");
    },
  );

  it.each([
    "/client/v4/accounts/{account_id}/ai-gateway/{proxy+}",
    "/client/v4/accounts/{account_id}/dlp/{proxy+}",
    "/client/v4/openapi.json",
  ])("sends %s to the api function, buffered", (path) => {
    const method = methodAt(path);
    expect(targets(method, apiFunction)).toBe(true);
    expect(method.Integration.Type).toBe("AWS_PROXY");
    expect(method.Integration.ResponseTransferMode ?? "BUFFERED").toBe("BUFFERED");
    expect(method.Integration).not.toHaveProperty("TimeoutInMillis");
    expect(JSON.stringify(method.Integration.Uri)).not.toContain("response-streaming");
  });

  it("deploys a `prod` stage with JSON access logs kept one month, traced by X-Ray", () => {
    template.resourceCountIs("AWS::ApiGateway::Stage", 1);
    template.hasResourceProperties("AWS::ApiGateway::Stage", {
      StageName: "prod",
      TracingEnabled: true,
      AccessLogSetting: {
        DestinationArn: Match.anyValue(),
        Format: Match.serializedJson(
          Match.objectLike({ requestId: "$context.requestId", status: "$context.status" }),
        ),
      },
    });
    const stage = Object.values(
      template.findResources("AWS::ApiGateway::Stage") as Record<
        string,
        { Properties: { AccessLogSetting: { DestinationArn: unknown } } }
      >,
    )[0];
    const logGroups = template.findResources("AWS::Logs::LogGroup", { Properties: { RetentionInDays: 30 } });
    const accessLogGroup = Object.keys(logGroups).find((id) =>
      JSON.stringify(stage?.Properties.AccessLogSetting.DestinationArn).includes(`"${id}"`),
    );
    expect(accessLogGroup).toBeDefined();
  });

  it("logs execution errors for every method, without request or response data, kept one month", () => {
    template.hasResourceProperties("AWS::ApiGateway::Stage", {
      MethodSettings: [
        { HttpMethod: "*", ResourcePath: "/*", LoggingLevel: "ERROR", DataTraceEnabled: false },
      ],
    });
    // API Gateway's own log group name, created by the stack (with retention) before the stage uses it.
    const executionLogGroup = stack.gateway.node
      .findAll()
      .find((construct) => construct.node.id === "ExecutionLogs");
    if (!executionLogGroup) throw new Error("no execution log group");
    const executionLogGroupId = logicalId(executionLogGroup);
    template.hasResource("AWS::Logs::LogGroup", {
      Properties: {
        LogGroupName: {
          "Fn::Join": ["", ["API-Gateway-Execution-Logs_", { Ref: logicalId(restApi) }, "/prod"]],
        },
        RetentionInDays: 30,
      },
      DeletionPolicy: "Delete",
    });
    const stages = template.findResources("AWS::ApiGateway::Stage") as Record<
      string,
      { DependsOn?: string[] }
    >;
    expect(Object.values(stages)[0]?.DependsOn).toContain(executionLogGroupId);
  });

  it("associates the stage with a WAF web ACL only when webAclArn is given", () => {
    template.resourceCountIs("AWS::WAFv2::WebACLAssociation", 0);
    const webAclArn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/gateway/0123abcd";
    const withWaf = synthGateway({ webAclArn });
    withWaf.template.resourceCountIs("AWS::WAFv2::WebACLAssociation", 1);
    const stageId = Object.keys(withWaf.template.findResources("AWS::ApiGateway::Stage"))[0];
    withWaf.template.hasResourceProperties("AWS::WAFv2::WebACLAssociation", {
      WebACLArn: webAclArn,
      ResourceArn: {
        "Fn::Join": [
          "",
          Match.arrayWith([
            "::/restapis/",
            { Ref: withWaf.logicalId(withWaf.stack.gateway.restApi) },
            "/stages/",
            { Ref: stageId },
          ]),
        ],
      },
    });
  });

  it("creates the account's API Gateway CloudWatch role (required for access logs) and retains it", () => {
    template.hasResource("AWS::ApiGateway::Account", { DeletionPolicy: "Retain" });
    const without = synthGateway({ apiGatewayCloudWatchRole: false });
    without.template.resourceCountIs("AWS::ApiGateway::Account", 0);
  });

  it("names the stage and turns tracing off from props", () => {
    const custom = synthGateway({ stageName: "v2", tracing: false });
    custom.template.hasResourceProperties("AWS::ApiGateway::Stage", {
      StageName: "v2",
      TracingEnabled: false,
    });
  });

  it("outputs the base URL, the admin token secret, the tables and the queues", () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual([
      "AdminTokenSecretArn",
      "BaseUrl",
      "ConfigTableName",
      "DashboardName",
      "LogDeadLetterQueueName",
      "LogQueueName",
      "LogsTableName",
      "ProviderKeysKeyArn",
    ]);
    expect(outputs.BaseUrl?.Value).toEqual(stack.resolve(restApi.url));
    expect(JSON.stringify(outputs.BaseUrl?.Value)).toContain(".execute-api.");
    template.hasOutput("AdminTokenSecretArn", { Value: { Ref: logicalId(stack.gateway.adminTokenSecret) } });
    template.hasOutput("ConfigTableName", { Value: { Ref: logicalId(stack.gateway.configTable) } });
    template.hasOutput("LogsTableName", { Value: { Ref: logicalId(stack.gateway.logsTable) } });
    template.hasOutput("LogQueueName", {
      Value: { "Fn::GetAtt": [logicalId(stack.gateway.logQueue), "QueueName"] },
    });
  });
});
