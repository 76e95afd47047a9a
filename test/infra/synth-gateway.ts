import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, CfnElement } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { afterAll } from "vitest";
import { GatewayStack, type GatewayStackProps } from "../../infra/aws/gateway-stack.ts";

/** The feature flags of cdk.json, so the template under test is the one `cdk synth` produces. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/**
 * Every synth writes a cloud assembly; without an outdir each would be a fresh, never-deleted temp
 * directory. One directory per test file (this module is imported while the file is collected, so the
 * hook belongs to the file), removed after its tests.
 */
let assemblyRoot: string | undefined;
let assemblyCount = 0;
export function assemblyDirectory(): string {
  assemblyRoot ??= mkdtempSync(join(tmpdir(), "ai-gateway-cdk-test-"));
  assemblyCount += 1;
  return join(assemblyRoot, String(assemblyCount));
}
afterAll(() => {
  if (assemblyRoot) rmSync(assemblyRoot, { recursive: true, force: true });
});

export interface SynthesizedGateway {
  stack: GatewayStack;
  template: Template;
  /** The CloudFormation logical id of a construct's underlying resource (`fn` -> its AWS::Lambda::Function). */
  logicalId(construct: IConstruct): string;
  /** The Properties of a construct's underlying resource in the template. */
  properties(construct: IConstruct): Record<string, unknown>;
}

/**
 * The stack as a template, without asset bundling (`aws:cdk:bundling-stacks: []`), which keeps these tests
 * fast; test/infra/bundling.test.ts does the one real synth with esbuild.
 */
export function synthGateway(props: GatewayStackProps = {}): SynthesizedGateway {
  const app = new App({
    outdir: assemblyDirectory(),
    context: { ...cdkJsonContext(), "aws:cdk:bundling-stacks": [] },
  });
  const stack = new GatewayStack(app, "AiGateway", props);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;
  const logicalId = (construct: IConstruct): string => {
    const resource = construct.node.defaultChild ?? construct;
    if (!(resource instanceof CfnElement)) {
      throw new Error(`${construct.node.path} is not a CloudFormation resource`);
    }
    return stack.getLogicalId(resource);
  };
  const properties = (construct: IConstruct): Record<string, unknown> => {
    const resource = resources[logicalId(construct)];
    if (!resource) throw new Error(`no resource for ${construct.node.path}`);
    return resource.Properties;
  };
  return { stack, template, logicalId, properties };
}

/** Every Allow statement of the inline policies attached to a role, as [action, resource JSON] pairs. */
export function roleStatements(
  template: Template,
  roleLogicalId: string,
): Array<{ actions: string[]; resource: string }> {
  const policies = template.findResources("AWS::IAM::Policy") as Record<
    string,
    { Properties: { Roles: Array<{ Ref: string }>; PolicyDocument: { Statement: PolicyStatementJson[] } } }
  >;
  return Object.values(policies)
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref === roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .filter((statement) => statement.Effect === "Allow")
    .map((statement) => ({
      actions: [statement.Action].flat(),
      resource: JSON.stringify(statement.Resource),
    }));
}

interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
