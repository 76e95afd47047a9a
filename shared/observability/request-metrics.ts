import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { ERROR_CODES } from "../core/gateway-error.ts";
import type { LogEvent } from "../schemas/log-event.ts";
import { DIMENSIONS, METRIC_NAMES } from "./metric-names.ts";

export { DEFAULT_METRICS_NAMESPACE, DIMENSIONS, METRIC_NAMES } from "./metric-names.ts";

/**
 * A dimension value CloudWatch accepts and that stays bounded: printable ASCII without spaces, at most
 * 128 characters. Anything else is reported as "other" rather than breaking the whole EMF record.
 */
const SAFE_DIMENSION_VALUE = /^[\x21-\x7e]{1,128}$/;
const dimensionValue = (value: string | null): string =>
  value === null ? "none" : SAFE_DIMENSION_VALUE.test(value) ? value : "other";

/** The values Powertools' getBooleanFromEnv reads as true. */
const TRUE_VALUES = new Set(["1", "y", "yes", "t", "true", "on"]);

/** How a request failed, if it did (docs/observability.md). Classes are exclusive; client_aborted is apart. */
export type ErrorClass = "client_error" | "provider_error" | "gateway_error" | "rate_limited" | null;

export function errorClassOf(event: LogEvent): ErrorClass {
  if (event.error !== null) return event.status_code === 429 ? "rate_limited" : "gateway_error";
  if (event.status_code >= 500) return "provider_error";
  if (event.status_code >= 400) return "client_error";
  return null;
}

/**
 * Turns one request's log event into CloudWatch metrics in Embedded Metric Format, through Powertools
 * Metrics (one JSON line on stdout a blob; CloudWatch Logs extracts the metrics on AWS). Synchronous from
 * the first metric to the flush, so two requests finishing together in one process cannot mix their
 * dimensions in Powertools' shared buffer.
 */
export class RequestMetrics {
  /**
   * POWERTOOLS_METRICS_DISABLED set to a true value (npm start, the tests): Powertools would still build
   * and clear every metric before skipping the output, a few percent of the proxy's CPU in the benchmark's
   * profiles, so nothing is built. (That variable takes precedence in Powertools; with any other setting
   * Powertools decides as usual.)
   */
  private readonly disabled: boolean;

  constructor(
    private readonly metrics: Metrics,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.disabled = TRUE_VALUES.has((env.POWERTOOLS_METRICS_DISABLED ?? "").trim().toLowerCase());
  }

  /** The figures of one finished request: called after the response, with its log event. */
  record(event: LogEvent): void {
    const metrics = this.metrics;
    if (this.disabled) return;
    const errorClass = errorClassOf(event);
    // A slug that named no provider (404 "unknown provider") is the client's free text: not a dimension.
    const provider = event.error?.code === ERROR_CODES.notFound ? "unknown" : dimensionValue(event.provider);
    const count = (name: string, happened: boolean) =>
      metrics.addMetric(name, MetricUnit.Count, happened ? 1 : 0);
    const milliseconds = (name: string, value: number | null | undefined) => {
      if (value !== null && value !== undefined) metrics.addMetric(name, MetricUnit.Milliseconds, value);
    };
    const optional = (
      name: string,
      unit: (typeof MetricUnit)[keyof typeof MetricUnit],
      value: number | null | undefined,
    ) => {
      if (value !== null && value !== undefined) metrics.addMetric(name, unit, value);
    };

    metrics.addDimensions({
      [DIMENSIONS.gateway]: dimensionValue(event.gateway_id),
      [DIMENSIONS.provider]: provider,
    });
    metrics.addDimensions({});
    // Every class is sent as 0 or 1 on every request: rates are Sum(class) / Sum(Requests) with no gaps.
    count(METRIC_NAMES.requests, true);
    count(METRIC_NAMES.clientErrors, errorClass === "client_error");
    count(METRIC_NAMES.providerErrors, errorClass === "provider_error");
    count(METRIC_NAMES.gatewayErrors, errorClass === "gateway_error");
    count(METRIC_NAMES.rateLimited, errorClass === "rate_limited");
    count(METRIC_NAMES.clientAborted, event.client_aborted);
    count(METRIC_NAMES.cacheHits, event.cached);
    milliseconds(METRIC_NAMES.latency, event.duration);
    milliseconds(METRIC_NAMES.timeToFirstByte, event.time_to_first_byte);
    milliseconds(METRIC_NAMES.providerWait, event.provider_wait);
    milliseconds(METRIC_NAMES.gatewayOverhead, event.gateway_overhead);
    optional(METRIC_NAMES.tokensIn, MetricUnit.Count, event.tokens_in);
    optional(METRIC_NAMES.tokensOut, MetricUnit.Count, event.tokens_out);
    // Cost is in USD, which CloudWatch has no unit for.
    optional(METRIC_NAMES.cost, MetricUnit.NoUnit, event.cost);
    metrics.publishStoredMetrics();

    // The model set: only for successful responses, whose model the provider accepted, so a client cannot
    // mint a new metric per made-up model name (each costs money for a month).
    if (!event.success || event.model === null || !SAFE_DIMENSION_VALUE.test(event.model)) return;
    metrics.addDimensions({ [DIMENSIONS.provider]: provider, [DIMENSIONS.model]: event.model });
    count(METRIC_NAMES.successfulRequests, true);
    optional(METRIC_NAMES.tokensIn, MetricUnit.Count, event.tokens_in);
    optional(METRIC_NAMES.tokensOut, MetricUnit.Count, event.tokens_out);
    optional(METRIC_NAMES.cost, MetricUnit.NoUnit, event.cost);
    metrics.publishStoredMetrics();
  }

  /** A log event that could not be queued (it went to the structured log instead). */
  logPipelineFailure(): void {
    if (this.disabled) return;
    this.metrics.addMetric(METRIC_NAMES.logPipelineFailures, MetricUnit.Count, 1);
    this.metrics.publishStoredMetrics();
  }

  /** A rate-limit check that could not read its counters and let the request through (fail-open). */
  rateLimitFailOpen(): void {
    if (this.disabled) return;
    this.metrics.addMetric(METRIC_NAMES.rateLimitFailOpen, MetricUnit.Count, 1);
    this.metrics.publishStoredMetrics();
  }
}
