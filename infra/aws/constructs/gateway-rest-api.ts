import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import {
  AccessLogField,
  AccessLogFormat,
  EndpointType,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseTransferMode,
  RestApi,
} from "aws-cdk-lib/aws-apigateway";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import { CfnWebACLAssociation } from "aws-cdk-lib/aws-wafv2";
import { Construct } from "constructs";

/**
 * How long API Gateway waits on a streamed integration. Buffered REST integrations stop at 29 s (more
 * only by quota request), but in STREAM transfer mode the integration timeout may be set up to 15 minutes,
 * the Lambda maximum, with no quota request
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html).
 * The CDK passes it through as `TimeoutInMillis` (900000) without an upper bound of its own.
 */
export const STREAM_INTEGRATION_TIMEOUT = Duration.minutes(15);

/**
 * How long a streamed response may stay silent before API Gateway closes it: 5 minutes on REGIONAL (and
 * private) endpoints, 30 s on edge-optimized ones (same page as above). Nothing is sent before the
 * provider's first byte, so the proxy's first-byte deadline stays under it (AiGateway).
 */
export const API_GATEWAY_STREAM_IDLE_TIMEOUT = Duration.minutes(5);

/**
 * One JSON line a request. Beyond the standard fields: the latencies (how much of a request's time is the
 * gateway and how much the provider), the integration status and the error message, which together tell a
 * throttled or timed-out invocation apart from an error the proxy returned.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: AccessLogField.contextRequestId(),
    ip: AccessLogField.contextIdentitySourceIp(),
    requestTime: AccessLogField.contextRequestTime(),
    httpMethod: AccessLogField.contextHttpMethod(),
    path: AccessLogField.contextPath(),
    resourcePath: AccessLogField.contextResourcePath(),
    status: AccessLogField.contextStatus(),
    protocol: AccessLogField.contextProtocol(),
    responseLength: AccessLogField.contextResponseLength(),
    responseLatency: AccessLogField.contextResponseLatency(),
    integrationLatency: AccessLogField.contextIntegrationLatency(),
    integrationStatus: AccessLogField.contextIntegrationStatus(),
    integrationError: AccessLogField.contextIntegrationErrorMessage(),
    errorMessage: AccessLogField.contextErrorMessage(),
    userAgent: AccessLogField.contextIdentityUserAgent(),
  }),
);

export interface GatewayRestApiProps {
  proxyFunction: IFunction;
  apiFunction: IFunction;
  stageName: string;
  accessLogRetention: RetentionDays;
  tracing: boolean;
  /**
   * Create the account-level role API Gateway needs to write access logs. An account has one such
   * setting; it is retained on delete so removing this stack does not break other APIs' logging.
   */
  cloudWatchRole: boolean;
  /** A WAFv2 web ACL (scope REGIONAL, same region) to associate with the stage. */
  webAclArn?: string | undefined;
  /** The stage's throttling of every method: requests a second, and the burst above it. */
  throttling: { rateLimit: number; burstLimit: number };
}

/**
 * The public front: a REST API (HTTP APIs cannot stream a Lambda response) on a REGIONAL endpoint: a
 * stream may sit idle for 5 minutes there (a slow model's first token), but only 30 s on edge-optimized
 * endpoints.
 */
export class GatewayRestApi extends Construct {
  readonly restApi: RestApi;
  readonly accessLogGroup: LogGroup;
  readonly executionLogGroup: LogGroup;
  readonly webAclAssociation: CfnWebACLAssociation | undefined;

  constructor(scope: Construct, id: string, props: GatewayRestApiProps) {
    super(scope, id);

    this.accessLogGroup = new LogGroup(this, "AccessLogs", {
      retention: props.accessLogRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.restApi = new RestApi(this, "Api", {
      restApiName: Stack.of(this).stackName,
      description: "AI gateway: provider-native and unified inference surfaces, and the management API",
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Every content type is "binary": API Gateway hands each body to Lambda base64-encoded and untouched
      // (multipart audio uploads, gzip, event streams), and never re-encodes what the handlers return.
      binaryMediaTypes: ["*/*"],
      cloudWatchRole: props.cloudWatchRole,
      ...(props.cloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      deployOptions: {
        stageName: props.stageName,
        accessLogDestination: new LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: ACCESS_LOG_FORMAT,
        tracingEnabled: props.tracing,
        // Execution logs for errors only (integration failures, throttling, timeouts), without request or
        // response data: INFO with data tracing would copy headers and bodies, provider keys and gateway
        // tokens included, into CloudWatch.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        // Without it the stage takes the account's whole quota (10,000 requests a second), and a flood of
        // requests becomes a flood of Lambda instances; over these clients get API Gateway's 429.
        throttlingRateLimit: props.throttling.rateLimit,
        throttlingBurstLimit: props.throttling.burstLimit,
        // No stage caching and no minimumCompressionSize: neither is available in STREAM transfer mode.
      },
    });

    // The stack outputs the same URL as "BaseUrl"; the RestApi's own unnamed copy would only be noise.
    this.restApi.node.tryRemoveChild("Endpoint");

    // API Gateway writes execution logs to a group of this name, which it would otherwise create on its own
    // with no retention and leave behind on `cdk destroy`. Creating it first gives it the stack's retention.
    this.executionLogGroup = new LogGroup(this, "ExecutionLogs", {
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${props.stageName}`,
      retention: props.accessLogRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.restApi.deploymentStage.node.addDependency(this.executionLogGroup);

    this.webAclAssociation = props.webAclArn
      ? new CfnWebACLAssociation(this, "WebAcl", {
          resourceArn: this.restApi.deploymentStage.stageArn,
          webAclArn: props.webAclArn,
        })
      : undefined;

    // Streaming integrations: the proxy writes the provider's response as it arrives (SSE tokens), and the
    // 29 s / 10 MB limits of buffered integrations do not apply.
    const streamingProxy = new LambdaIntegration(props.proxyFunction, {
      responseTransferMode: ResponseTransferMode.STREAM,
      timeout: STREAM_INTEGRATION_TIMEOUT,
    });
    // The management API answers small JSON documents: an ordinary buffered proxy integration (29 s).
    const managementApi = new LambdaIntegration(props.apiFunction);

    const root = this.restApi.root;
    // Provider-native and OpenAI-compatible surface: /v1/{account_id}/{gateway_id}/{provider}/...
    addGreedyProxy(root.addResource("v1"), streamingProxy);

    const v4 = root.addResource("client").addResource("v4");
    // The OpenAPI document of the management and unified APIs (docs/openapi.json): public, like the docs.
    // ANY, as everywhere else: the api function answers other methods 405 with Allow, as the local front does.
    v4.addResource("openapi.json").addMethod("ANY", managementApi);
    const account = v4.addResource("accounts").addResource("{account_id}");
    // Cloudflare's inference surface: /client/v4/accounts/{account_id}/ai/run/...
    addGreedyProxy(account.addResource("ai"), streamingProxy);
    // Cloudflare's management API: /client/v4/accounts/{account_id}/ai-gateway/gateways/...
    addGreedyProxy(account.addResource("ai-gateway"), managementApi);
    // Cloudflare's DLP profiles API: /client/v4/accounts/{account_id}/dlp/profiles...
    addGreedyProxy(account.addResource("dlp"), managementApi);
    // The web console, served by the api Lambda: its page at the root, its hashed files under /console/.
    root.addMethod("ANY", managementApi);
    addGreedyProxy(root.addResource("console"), managementApi);
  }
}

/** `{proxy+}` ANY under `parent`; the handler does its own routing, methods and 404s. */
function addGreedyProxy(parent: IResource, integration: LambdaIntegration): void {
  parent.addResource("{proxy+}").addMethod("ANY", integration);
}
