import { createHash } from "node:crypto";
import { Names } from "aws-cdk-lib";
import { CfnGuardrail, CfnGuardrailVersion } from "aws-cdk-lib/aws-bedrock";
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import {
  BEDROCK_DENIED_TOPICS,
  BEDROCK_FILTER_CATEGORIES,
  type BedrockFilterType,
} from "../../../shared/checks/guardrails/bedrock-policy.ts";

/** MEDIUM: the balance Bedrock recommends between what a filter catches and what it blocks by mistake. */
const FILTER_STRENGTH = "MEDIUM";

/**
 * The Bedrock guardrail the proxy scans with (docs/guardrails.md): a content filter or a denied topic for
 * each of Cloudflare's categories, from the table the scanner reads assessments back with
 * (shared/checks/guardrails/bedrock-policy.ts), and a published version of it. The version's description
 * carries a hash of the policy, so a change to the table publishes a new version (a version is immutable, and
 * CloudFormation makes a new one only when its properties change), and the proxy moves to it.
 */
export class GatewayGuardrail extends Construct {
  readonly guardrail: CfnGuardrail;
  readonly version: CfnGuardrailVersion;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const filtersConfig = (Object.keys(BEDROCK_FILTER_CATEGORIES) as BedrockFilterType[]).map((type) => ({
      type,
      inputStrength: FILTER_STRENGTH,
      // Bedrock applies the prompt-attack filter to input only: its output strength must be NONE.
      outputStrength: type === "PROMPT_ATTACK" ? "NONE" : FILTER_STRENGTH,
    }));
    const topicsConfig = BEDROCK_DENIED_TOPICS.map((topic) => ({
      name: topic.name,
      definition: topic.definition,
      examples: topic.examples,
      type: "DENY",
    }));
    const policy = { contentPolicyConfig: { filtersConfig }, topicPolicyConfig: { topicsConfig } };
    this.guardrail = new CfnGuardrail(this, "Guardrail", {
      name: Names.uniqueResourceName(this, { maxLength: 50, separator: "-" }),
      description: "AI gateway guardrails: Cloudflare's categories S1-S13 and P1 (docs/guardrails.md)",
      // Never shown: the proxy reads the assessment and answers with the gateway's own error.
      blockedInputMessaging: "Blocked by the gateway's guardrails.",
      blockedOutputsMessaging: "Blocked by the gateway's guardrails.",
      ...policy,
    });
    const policyHash = createHash("sha256").update(JSON.stringify(policy)).digest("hex").slice(0, 16);
    this.version = new CfnGuardrailVersion(this, "Version", {
      guardrailIdentifier: this.guardrail.attrGuardrailId,
      description: `Policy ${policyHash}`,
    });
  }

  /** ApplyGuardrail on this guardrail only: no other guardrail, no other Bedrock action. */
  grantApply(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: "ApplyGatewayGuardrail",
        actions: ["bedrock:ApplyGuardrail"],
        resources: [this.guardrail.attrGuardrailArn],
      }),
    );
  }
}
