import { App, RemovalPolicy } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { describe, expect, it } from "vitest";
import { GatewayStack } from "../../infra/aws/gateway-stack.ts";
import { propsFromContext } from "../../infra/aws/props-from-context.ts";
import {
  assemblyDirectory,
  cdkJsonContext,
  roleStatements,
  type SynthesizedGateway,
  synthGateway,
} from "./synth-gateway.ts";

type PolicyResources = Record<
  string,
  { Properties: { Roles: Array<{ Ref: string }>; PolicyDocument: { Statement: StatementJson[] } } }
>;
interface StatementJson {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** The actions of a function's role that start with `prefix`, sorted, with the resources they apply to. */
function grantsOf(synthesized: SynthesizedGateway, fn: IFunction, prefix: string) {
  if (!fn.role) throw new Error(`${fn.node.path} has no role`);
  const statements = roleStatements(synthesized.template, synthesized.logicalId(fn.role))
    .map((statement) => ({ ...statement, actions: statement.actions.filter((a) => a.startsWith(prefix)) }))
    .filter((statement) => statement.actions.length > 0);
  return {
    actions: [...new Set(statements.flatMap((statement) => statement.actions))].sort(),
    resources: statements.map((statement) => statement.resource),
  };
}

/** Every action starting with `prefix` in any IAM policy of the template. */
function allActions(template: Template, prefix: string): string[] {
  return Object.values(template.findResources("AWS::IAM::Policy") as PolicyResources)
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .flatMap((statement) => [statement.Action].flat())
    .filter((action) => action.startsWith(prefix));
}

describe("KMS key for stored provider keys", () => {
  const synthesized = synthGateway();
  const { stack, template, logicalId, properties } = synthesized;
  const { providerKeysKey, proxyFunction, apiFunction, logWriterFunction } = stack.gateway;
  const keyArn = JSON.stringify({ "Fn::GetAtt": [logicalId(providerKeysKey), "Arn"] });

  it("is one customer-managed symmetric key with automatic rotation", () => {
    template.resourceCountIs("AWS::KMS::Key", 1);
    expect(properties(providerKeysKey)).toMatchObject({ EnableKeyRotation: true });
    // Symmetric encryption (the default spec): what GenerateDataKey needs.
    expect(properties(providerKeysKey).KeySpec ?? "SYMMETRIC_DEFAULT").toBe("SYMMETRIC_DEFAULT");
    expect(properties(providerKeysKey).KeyUsage ?? "ENCRYPT_DECRYPT").toBe("ENCRYPT_DECRYPT");
  });

  it("is retained when the stack is deleted, even when the tables are not", () => {
    const retained = { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" };
    expect(Object.keys(template.findResources("AWS::KMS::Key", retained))).toHaveLength(1);
    const destroyTables = synthGateway({ tableRemovalPolicy: RemovalPolicy.DESTROY });
    expect(Object.keys(destroyTables.template.findResources("AWS::KMS::Key", retained))).toHaveLength(1);
  });

  it("has a per-stack alias that is deleted with the stack", () => {
    template.resourceCountIs("AWS::KMS::Alias", 1);
    template.hasResourceProperties("AWS::KMS::Alias", {
      AliasName: "alias/AiGateway/provider-keys",
      TargetKeyId: { "Fn::GetAtt": [logicalId(providerKeysKey), "Arn"] },
    });
    expect(Object.keys(template.findResources("AWS::KMS::Alias", { DeletionPolicy: "Retain" }))).toEqual([]);
  });

  it("leaves the key policy to IAM: it names the account, not the functions", () => {
    const policy = JSON.stringify(properties(providerKeysKey).KeyPolicy);
    for (const fn of [proxyFunction, apiFunction, logWriterFunction]) {
      if (!fn.role) throw new Error("no role");
      expect(policy).not.toContain(`"${logicalId(fn.role)}"`);
    }
  });

  it("lets the api generate data keys and decrypt them, on this key only", () => {
    const grants = grantsOf(synthesized, apiFunction, "kms:");
    expect(grants.actions).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    expect(grants.resources).toEqual(grants.resources.map(() => keyArn));
  });

  it("lets the proxy decrypt only, on this key only", () => {
    const grants = grantsOf(synthesized, proxyFunction, "kms:");
    expect(grants.actions).toEqual(["kms:Decrypt"]);
    expect(grants.resources).toEqual([keyArn]);
  });

  it("lets the proxy and the api use the key only for this gateway's account (the encryption context's `account`)", () => {
    // shared/store/provider-key-store.ts seals every provider key with { account, gateway, provider, alias }.
    const {
      stack: own,
      template: ownTemplate,
      logicalId: ownLogicalId,
    } = synthGateway({ accountId: "acct-1" });
    const kmsStatements = Object.values(ownTemplate.findResources("AWS::IAM::Policy") as PolicyResources)
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => [statement.Action].flat().some((action) => action.startsWith("kms:")));

    expect(kmsStatements.length).toBe(2);
    for (const statement of kmsStatements) {
      expect(statement).toMatchObject({
        Resource: { "Fn::GetAtt": [ownLogicalId(own.gateway.providerKeysKey), "Arn"] },
        Condition: { StringEquals: { "kms:EncryptionContext:account": "acct-1" } },
      });
    }
  });

  it("gives the log-writer nothing on KMS", () => {
    expect(grantsOf(synthesized, logWriterFunction, "kms:").actions).toEqual([]);
  });

  it("grants KMS to no one else", () => {
    expect([...new Set(allActions(template, "kms:"))].sort()).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    const holders = Object.values(template.findResources("AWS::IAM::Policy") as PolicyResources).filter(
      (policy) => JSON.stringify(policy.Properties.PolicyDocument).includes('"kms:'),
    );
    expect(holders).toHaveLength(2);
  });

  it("outputs the key ARN", () => {
    template.hasOutput("ProviderKeysKeyArn", {
      Value: { "Fn::GetAtt": [logicalId(providerKeysKey), "Arn"] },
    });
  });
});

describe("Bedrock with the Lambda role", () => {
  const synthesized = synthGateway();
  const { stack, template } = synthesized;
  const { proxyFunction, apiFunction, logWriterFunction } = stack.gateway;
  const arn = (...parts: unknown[]) => ({ "Fn::Join": ["", parts] });

  it("lets the proxy invoke foundation models and this account's inference profiles, streaming or not", () => {
    const statements = Object.values(template.findResources("AWS::IAM::Policy") as PolicyResources)
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => [statement.Action].flat().some((action) => action.startsWith("bedrock:Invoke")));
    expect(statements).toHaveLength(1);
    const [statement] = statements;
    expect(statement).toMatchObject({
      Sid: "InvokeBedrockWithLambdaRole",
      Effect: "Allow",
      Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
    });
    // In any order: the policy minimizer sorts resources.
    const sorted = (values: unknown[]) => values.map((value) => JSON.stringify(value)).sort();
    expect(sorted([statement?.Resource].flat())).toEqual(
      sorted([
        arn("arn:", { Ref: "AWS::Partition" }, ":bedrock:*::foundation-model/*"),
        arn(
          "arn:",
          { Ref: "AWS::Partition" },
          ":bedrock:*:",
          { Ref: "AWS::AccountId" },
          ":inference-profile/*",
        ),
        arn(
          "arn:",
          { Ref: "AWS::Partition" },
          ":bedrock:*:",
          { Ref: "AWS::AccountId" },
          ":application-inference-profile/*",
        ),
      ]),
    );
    expect(grantsOf(synthesized, proxyFunction, "bedrock:Invoke").actions).toEqual([
      "bedrock:InvokeModel",
      "bedrock:InvokeModelWithResponseStream",
    ]);
  });

  it("gives the api and the log-writer no Bedrock access", () => {
    expect(grantsOf(synthesized, apiFunction, "bedrock:").actions).toEqual([]);
    expect(grantsOf(synthesized, logWriterFunction, "bedrock:").actions).toEqual([]);
  });

  it("grants no Bedrock model access when allowBedrockWithLambdaRole is false (ApplyGuardrail on the stack's guardrail stays)", () => {
    const without = synthGateway({ allowBedrockWithLambdaRole: false });
    expect(allActions(without.template, "bedrock:")).toEqual(["bedrock:ApplyGuardrail"]);
  });
});

describe("TRUSTED_UPSTREAM_HOSTS", () => {
  const proxyVariable = (synthesized: SynthesizedGateway): unknown =>
    (
      synthesized.properties(synthesized.stack.gateway.proxyFunction).Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables.TRUSTED_UPSTREAM_HOSTS;

  /** The stack as `cdk synth -c ...` builds it (app.ts): props from context. */
  const fromContext = (context: Record<string, unknown>): unknown => {
    const app = new App({
      outdir: assemblyDirectory(),
      context: { ...cdkJsonContext(), "aws:cdk:bundling-stacks": [], ...context },
    });
    const stack = new GatewayStack(app, "AiGateway", propsFromContext(app.node));
    const resources = Template.fromStack(stack).toJSON().Resources as Record<
      string,
      { Properties: { Environment: { Variables: Record<string, unknown> } } }
    >;
    const proxy = resources[stack.getLogicalId(stack.gateway.proxyFunction.node.defaultChild as never)];
    return proxy?.Properties.Environment.Variables.TRUSTED_UPSTREAM_HOSTS;
  };

  it("is empty by default: every private address is refused", () => {
    expect(proxyVariable(synthGateway())).toBe("");
  });

  it("joins the trustedUpstreamHosts prop with commas", () => {
    expect(
      proxyVariable(synthGateway({ trustedUpstreamHosts: ["llm.corp.internal", "10.0.0.12", "[fd00::1]"] })),
    ).toBe("llm.corp.internal,10.0.0.12,fd00::1");
  });

  it("comes from CDK context, as a comma-separated string or a JSON array", () => {
    expect(fromContext({ trustedUpstreamHosts: "llm.corp.internal, 10.0.0.12" })).toBe(
      "llm.corp.internal,10.0.0.12",
    );
    expect(fromContext({ trustedUpstreamHosts: '["llm.corp.internal","10.0.0.12"]' })).toBe(
      "llm.corp.internal,10.0.0.12",
    );
    expect(fromContext({ trustedUpstreamHosts: ["llm.corp.internal"] })).toBe("llm.corp.internal");
  });

  it("fails the synth on an entry the guard could never match, naming it", () => {
    expect(() => synthGateway({ trustedUpstreamHosts: ["https://llm.corp.internal"] })).toThrow(
      /trustedUpstreamHosts: "https:\/\/llm.corp.internal"/,
    );
    expect(() => synthGateway({ trustedUpstreamHosts: ["llm.corp.internal:8080"] })).toThrow(
      /no scheme, port/,
    );
  });
});
