/**
 * The names the metrics are emitted under (request-metrics.ts) and read back by (the dashboard and alarms
 * in infra/aws/constructs/). Free of dependencies, so the CDK app can import it.
 */

/** The CloudWatch namespace when POWERTOOLS_METRICS_NAMESPACE is not set. */
export const DEFAULT_METRICS_NAMESPACE = "AiGateway";

/**
 * Every metric the gateway emits, by name. docs/observability.md explains each; the dashboard and the
 * alarms (infra/aws/constructs/) refer to these names, so a rename breaks a template test, not a graph.
 */
export const METRIC_NAMES = {
  requests: "Requests",
  clientErrors: "ClientErrors",
  providerErrors: "ProviderErrors",
  gatewayErrors: "GatewayErrors",
  clientAborted: "ClientAborted",
  rateLimited: "RateLimited",
  cacheHits: "CacheHits",
  latency: "Latency",
  timeToFirstByte: "TimeToFirstByte",
  providerWait: "ProviderWait",
  gatewayOverhead: "GatewayOverhead",
  tokensIn: "TokensIn",
  tokensOut: "TokensOut",
  cost: "Cost",
  successfulRequests: "SuccessfulRequests",
  logPipelineFailures: "LogPipelineFailures",
  rateLimitFailOpen: "RateLimitFailOpen",
} as const;

/**
 * Dimension names. `service` is Powertools' own default dimension (POWERTOOLS_SERVICE_NAME), on every set.
 * The request metrics go to two sets: {service} (totals, for alarms) and {service, gateway, provider};
 * the per-model figures to a third, {service, provider, model}, with a few metrics only.
 */
export const DIMENSIONS = { service: "service", gateway: "gateway", provider: "provider", model: "model" };
