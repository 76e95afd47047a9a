import { App } from "aws-cdk-lib";
import { GatewayStack } from "./gateway-stack.ts";
import { propsFromContext } from "./props-from-context.ts";

/**
 * The CDK app (`npx cdk synth`, `npx cdk deploy`). The stack is environment-agnostic: it needs no
 * lookups, so it synthesizes offline, and deploys to whatever account and region the CLI's credentials
 * select. Settings come from CDK context (see props-from-context.ts).
 */
const app = new App();
new GatewayStack(app, "AiGateway", propsFromContext(app.node));
app.synth();
