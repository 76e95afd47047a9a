import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { AiGateway, type AiGatewayProps } from "./constructs/ai-gateway.ts";

/**
 * Stack settings plus everything the AiGateway construct accepts: accountId, upstreamOverrides, the memory
 * sizes, logRetention, logLevel, stageName, tracing, tableRemovalPolicy, apiGatewayCloudWatchRole.
 */
export interface GatewayStackProps extends StackProps, AiGatewayProps {}

/** Wiring only: one AiGateway and the outputs a deployer needs to use it. */
export class GatewayStack extends Stack {
  readonly gateway: AiGateway;

  constructor(scope: Construct, id: string, props: GatewayStackProps = {}) {
    super(scope, id, {
      description: "AI gateway: a Cloudflare AI Gateway compatible proxy on API Gateway, Lambda and DynamoDB",
      ...props,
    });
    this.gateway = new AiGateway(this, "AiGateway", props);

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
  }
}
