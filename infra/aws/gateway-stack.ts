import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { AiGateway, type AiGatewayProps } from "./constructs/ai-gateway.ts";
import { acknowledgeNagFindings } from "./nag-suppressions.ts";

/**
 * Stack settings plus everything the AiGateway construct accepts: accountId, upstreamOverrides, the memory
 * sizes, logRetention, logLevel, stageName, tracing, tableRemovalPolicy, apiGatewayCloudWatchRole,
 * trustedUpstreamHosts, allowBedrockWithLambdaRole, webAclArn, metricsNamespace, alarmTopicArn.
 */
export interface GatewayStackProps extends StackProps, AiGatewayProps {}

/**
 * Wiring only: one AiGateway, the outputs a deployer needs to use it, and the cdk-nag findings the stack
 * accepts, each with its reason (nag-suppressions.ts).
 */
export class GatewayStack extends Stack {
  readonly gateway: AiGateway;

  constructor(scope: Construct, id: string, props: GatewayStackProps = {}) {
    super(scope, id, {
      description: "AI gateway: a Cloudflare AI Gateway compatible proxy on API Gateway, Lambda and DynamoDB",
      ...props,
    });
    this.gateway = new AiGateway(this, "AiGateway", props);
    acknowledgeNagFindings(this.gateway);

    new CfnOutput(this, "BaseUrl", {
      description:
        "Base URL of the gateway, stage included: {BaseUrl}v1/{account_id}/{gateway_id}/{provider}/...",
      value: this.gateway.restApi.url,
    });
    new CfnOutput(this, "AdminTokenSecretArn", {
      description: "Secrets Manager secret holding the bootstrap admin API token",
      value: this.gateway.adminTokenSecret.secretArn,
    });
    new CfnOutput(this, "ConfigTableName", { value: this.gateway.configTable.tableName });
    new CfnOutput(this, "LogsTableName", { value: this.gateway.logsTable.tableName });
    new CfnOutput(this, "LogQueueName", { value: this.gateway.logQueue.queueName });
    new CfnOutput(this, "LogDeadLetterQueueName", { value: this.gateway.logDeadLetterQueue.queueName });
    new CfnOutput(this, "DashboardName", {
      description: "CloudWatch dashboard of the gateway (docs/observability.md)",
      value: this.gateway.dashboard.dashboardName,
    });
    new CfnOutput(this, "ProviderKeysKeyArn", {
      description: "KMS key that encrypts the stored provider keys (retained when the stack is deleted)",
      value: this.gateway.providerKeysKey.keyArn,
    });
  }
}
