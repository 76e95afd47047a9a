import { describe, expect, it } from "vitest";
import {
  BEDROCK_DENIED_TOPICS,
  BEDROCK_FILTER_CATEGORIES,
} from "../../shared/checks/guardrails/bedrock-policy.ts";
import { GUARDRAIL_CATEGORIES } from "../../shared/schemas/guardrails.ts";
import { roleStatements, synthGateway } from "./synth-gateway.ts";

describe("the Bedrock guardrail (docs/guardrails.md)", () => {
  const { stack, template, logicalId, properties } = synthGateway();
  const { guardrail, proxyFunction } = stack.gateway;
  const guardrailProps = properties(guardrail.guardrail) as {
    ContentPolicyConfig: { FiltersConfig: { Type: string; InputStrength: string; OutputStrength: string }[] };
    TopicPolicyConfig: { TopicsConfig: { Name: string; Type: string; Definition: string }[] };
  };

  it("has a content filter or a denied topic for every category S1-S13 and P1", () => {
    const filters = guardrailProps.ContentPolicyConfig.FiltersConfig.map((filter) => filter.Type);
    const topics = guardrailProps.TopicPolicyConfig.TopicsConfig.map((topic) => topic.Name);
    expect(filters.sort()).toEqual(Object.keys(BEDROCK_FILTER_CATEGORIES).sort());
    expect(topics).toEqual(BEDROCK_DENIED_TOPICS.map((topic) => topic.name));
    const covered = new Set([
      ...filters.map((type) => BEDROCK_FILTER_CATEGORIES[type as keyof typeof BEDROCK_FILTER_CATEGORIES]),
      ...BEDROCK_DENIED_TOPICS.map((topic) => topic.category),
    ]);
    expect([...covered].sort()).toEqual([...GUARDRAIL_CATEGORIES].sort());
  });

  it("filters prompt attacks on input only, as Bedrock requires", () => {
    expect(guardrailProps.ContentPolicyConfig.FiltersConfig).toContainEqual(
      expect.objectContaining({ Type: "PROMPT_ATTACK", OutputStrength: "NONE" }),
    );
  });

  it("publishes a version and hands its id and version to the proxy", () => {
    template.hasResourceProperties("AWS::Bedrock::GuardrailVersion", {
      GuardrailIdentifier: { "Fn::GetAtt": [logicalId(guardrail.guardrail), "GuardrailId"] },
    });
    const proxyEnvironment = (
      properties(proxyFunction) as { Environment: { Variables: Record<string, unknown> } }
    ).Environment.Variables;
    expect(proxyEnvironment).toMatchObject({
      BEDROCK_GUARDRAIL_ID: { "Fn::GetAtt": [logicalId(guardrail.guardrail), "GuardrailId"] },
      BEDROCK_GUARDRAIL_VERSION: { "Fn::GetAtt": [logicalId(guardrail.version), "Version"] },
    });
  });

  it("lets the proxy role apply this guardrail only, and no other role apply any", () => {
    const guardrailArn = { "Fn::GetAtt": [logicalId(guardrail.guardrail), "GuardrailArn"] };
    const proxyStatements = roleStatements(template, logicalId(proxyFunction.role ?? proxyFunction));
    const applying = proxyStatements.filter((statement) =>
      statement.actions.includes("bedrock:ApplyGuardrail"),
    );
    expect(applying).toEqual([
      { actions: ["bedrock:ApplyGuardrail"], resource: JSON.stringify(guardrailArn) },
    ]);
    const allStatements = JSON.stringify(template.findResources("AWS::IAM::Policy"));
    expect(allStatements.match(/bedrock:ApplyGuardrail/g)).toHaveLength(1);
  });
});
