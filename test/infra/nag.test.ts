import { App, type PolicyViolation, Validations } from "aws-cdk-lib";
import { Annotations, Match } from "aws-cdk-lib/assertions";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { describe, expect, it } from "vitest";
import type { GatewayStackProps } from "../../infra/aws/gateway-stack.ts";
import { GatewayStack } from "../../infra/aws/gateway-stack.ts";
import { nagAcknowledgments } from "../../infra/aws/nag-suppressions.ts";
import { assemblyDirectory, cdkJsonContext, synthGateway } from "./synth-gateway.ts";

/**
 * cdk-nag 3 is a CDK policy-validation plugin, not an Aspect: findings go to the validation report (and
 * fail `app.synth()`), not to Annotations, and acknowledgments are CDK's `Validations.of(x).acknowledge()`,
 * recorded by the stack itself in infra/aws/nag-suppressions.ts.
 */
const CONFIGURATIONS: Array<[string, GatewayStackProps]> = [
  ["the defaults (tracing on)", {}],
  [
    "tracing off and an alarm topic",
    { tracing: false, alarmTopicArn: "arn:aws:sns:eu-west-1:123456789012:ops" },
  ],
  [
    "tracing, a web ACL and an existing API Gateway log role",
    {
      tracing: true,
      webAclArn:
        "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/gateway/0123abcd-0000-0000-0000-000000000000",
      apiGatewayCloudWatchRole: false,
    },
  ],
  ["no Bedrock access for the Lambda role", { allowBedrockWithLambdaRole: false }],
  ["the log export (Firehose, Glue, Athena)", { logExport: true }],
];

/** The construct paths a finding names (cdk-nag reports paths, not logical ids). */
const pathsOf = (violation: PolicyViolation): string[] =>
  violation.violatingResources.map((resource) => resource.constructPath ?? resource.resourceLogicalId ?? "?");

/** One line a finding, so a failure names the rule and the resources. */
const describeViolations = (violations: readonly PolicyViolation[]): string[] =>
  violations.map((violation) => `${violation.ruleName}: ${pathsOf(violation).join(", ")}`);

const findings = (stack: IConstruct, options: { ignoreAcknowledgments?: boolean } = {}) => {
  const pack = new AwsSolutionsChecks(undefined, { verbose: true });
  if (options.ignoreAcknowledgments) {
    // The unfiltered findings, to check that each acknowledgment answers a real one (none is stale).
    (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  }
  return pack.validateScope(stack).violations;
};

describe("cdk-nag AwsSolutions checks", () => {
  it.each(CONFIGURATIONS)("finds nothing unacknowledged with %s", (_, props) => {
    const { stack } = synthGateway(props);
    expect(describeViolations(findings(stack))).toEqual([]);
  });

  it("passes as a validation plugin of `cdk synth`, with no AwsSolutions annotations", () => {
    const app = new App({
      outdir: assemblyDirectory(),
      context: { ...cdkJsonContext(), "aws:cdk:bundling-stacks": [] },
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    const stack = new GatewayStack(app, "AiGateway");
    // Throws ValidationFailed, with the report, on any unacknowledged finding.
    expect(() => app.synth()).not.toThrow();
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).toEqual([]);
    expect(annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))).toEqual([]);
  });

  it("still reports a new wildcard: IAM5 acknowledgments name their resources, not the rule", () => {
    // Without tracing: with it, Resource '*' is acknowledged on the roles for X-Ray (the next test checks
    // that only the X-Ray actions have it).
    const { stack } = synthGateway({ tracing: false });
    stack.gateway.proxyFunction.addToRolePolicy(
      new PolicyStatement({ actions: ["bedrock:*"], resources: ["*"] }),
    );
    expect(findings(stack).map((violation) => violation.ruleName)).toEqual(
      expect.arrayContaining(["AwsSolutions-IAM5[Action::bedrock:*]", "AwsSolutions-IAM5[Resource::*]"]),
    );
  });

  it.each(CONFIGURATIONS)(
    "acknowledges only findings that exist, each with a reason, with %s",
    (_, props) => {
      const { stack } = synthGateway(props);
      const raw = findings(stack, { ignoreAcknowledgments: true });
      for (const { scope, id, reason } of nagAcknowledgments(stack.gateway)) {
        expect(id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
        expect(reason.length, `${id} needs a written reason`).toBeGreaterThan(100);
        const matching = raw.find(
          (violation) =>
            violation.ruleName === id &&
            pathsOf(violation).some((path) => path.startsWith(`${scope.node.path}/`)),
        );
        expect(matching, `${id} on ${scope.node.path} acknowledges nothing`).toBeDefined();
      }
    },
  );

  it("acknowledges X-Ray's Resource '*' only when tracing, and only for the X-Ray actions", () => {
    const ids = (props: GatewayStackProps) =>
      nagAcknowledgments(synthGateway(props).stack.gateway).map(({ id }) => id);
    expect(ids({ tracing: false })).not.toContain("AwsSolutions-IAM5[Resource::*]");
    // Tracing is on by default.
    expect(ids({}).filter((id) => id === "AwsSolutions-IAM5[Resource::*]")).toHaveLength(4);

    const traced = synthGateway();
    const starActions = Object.values(
      traced.template.findResources("AWS::IAM::Policy") as Record<
        string,
        {
          Properties: {
            PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown }> };
          };
        }
      >,
    )
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => statement.Resource === "*")
      .flatMap((statement) => [statement.Action].flat());
    expect(new Set(starActions)).toEqual(new Set(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]));
  });

  it("acknowledges WAF's absence only when no web ACL is given", () => {
    const ids = (props: GatewayStackProps) =>
      nagAcknowledgments(synthGateway(props).stack.gateway).map(({ id }) => id);
    expect(ids({})).toContain("AwsSolutions-APIG3");
    expect(ids({ webAclArn: "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/g/1" })).not.toContain(
      "AwsSolutions-APIG3",
    );
  });
});
