import { Aws } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";

/**
 * The Bedrock runtime calls the proxy forwards: InvokeModel covers `/model/{id}/invoke` and `/converse`,
 * InvokeModelWithResponseStream covers `/invoke-with-response-stream` and `/converse-stream`.
 */
export const BEDROCK_INVOKE_ACTIONS = [
  "bedrock:InvokeModel",
  "bedrock:InvokeModelWithResponseStream",
] as const;

/**
 * The models the proxy may invoke with its own role. Region is `*` on purpose: the client picks the region
 * in the URL (`/aws-bedrock/bedrock-runtime/{region}/...`), and a cross-region inference profile routes to
 * the foundation model in whichever region of its geography has capacity, which IAM checks as well.
 * Foundation models belong to no account (the empty account field); inference profiles, system-defined
 * and application ones, are this account's. The partition and account default to the deployment's; the
 * nag acknowledgments pass cdk-nag's placeholders (`<AWS::Partition>`, `<AWS::AccountId>`) instead.
 */
export function bedrockInvokeResources(partition = Aws.PARTITION, account = Aws.ACCOUNT_ID): string[] {
  return [
    `arn:${partition}:bedrock:*::foundation-model/*`,
    `arn:${partition}:bedrock:*:${account}:inference-profile/*`,
    `arn:${partition}:bedrock:*:${account}:application-inference-profile/*`,
  ];
}

/**
 * Lets a function invoke Bedrock models with its own credentials: the proxy signs a Bedrock request that
 * carries no provider key (no Authorization header, no stored key) with the Lambda's role, so a deployment
 * can use Bedrock without distributing any AWS key. Which models are actually usable is still decided by
 * the account's Bedrock model access settings.
 */
export function bedrockInvokeStatement(): PolicyStatement {
  return new PolicyStatement({
    sid: "InvokeBedrockWithLambdaRole",
    actions: [...BEDROCK_INVOKE_ACTIONS],
    resources: bedrockInvokeResources(),
  });
}
