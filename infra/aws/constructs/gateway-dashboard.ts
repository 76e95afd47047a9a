import { Duration, Stack } from "aws-cdk-lib";
import type { RestApi } from "aws-cdk-lib/aws-apigateway";
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
} from "aws-cdk-lib/aws-cloudwatch";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DIMENSIONS, METRIC_NAMES } from "../../../shared/observability/metric-names.ts";

export interface GatewayDashboardProps {
  metricsNamespace: string;
  /** The proxy's Powertools service name: the `service` dimension of its metrics. */
  proxyServiceName: string;
  restApi: RestApi;
  proxyFunction: IFunction;
  apiFunction: IFunction;
  logWriterFunction: IFunction;
  logQueue: IQueue;
  logDeadLetterQueue: IQueue;
  alarms: Alarm[];
}

const PERIOD = Duration.minutes(5);
const WIDTH = 8;
const HEIGHT = 6;

/**
 * One CloudWatch dashboard for the gateway: the alarms; traffic, errors by class, latency and the
 * gateway's own overhead, tokens and cost from the proxy's EMF metrics (totals, and per gateway and
 * provider, or per model, through SEARCH expressions, so a new provider appears without a redeploy);
 * the API stage's 4xx/5xx and latency; each function's errors, throttles and duration; and the log
 * queue's depth and age and its dead-letter queue.
 */
export class GatewayDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: GatewayDashboardProps) {
    super(scope, id);
    const namespace = props.metricsNamespace;
    const service = props.proxyServiceName;
    const total = (metricName: string, statistic: string = Stats.SUM, label?: string) =>
      new Metric({
        namespace,
        metricName,
        dimensionsMap: { [DIMENSIONS.service]: service },
        statistic,
        period: PERIOD,
        label: label ?? metricName,
      });
    /** One line per value of the dimensions: every gateway/provider pair, or every provider/model pair. */
    const search = (dimensions: string[], metricName: string, statistic: string, label: string) =>
      new MathExpression({
        expression:
          `SEARCH('{${namespace},${[DIMENSIONS.service, ...dimensions].join(",")}} ` +
          `MetricName="${metricName}" ${DIMENSIONS.service}="${service}"', '${statistic}', ${PERIOD.toSeconds()})`,
        label,
        period: PERIOD,
      });
    const byProvider = (metricName: string, statistic: string = Stats.SUM) =>
      search([DIMENSIONS.gateway, DIMENSIONS.provider], metricName, statistic, metricName);
    const byModel = (metricName: string) =>
      search([DIMENSIONS.provider, DIMENSIONS.model], metricName, "Sum", metricName);
    const graph = (title: string, left: IMetric[], options: { right?: IMetric[]; width?: number } = {}) =>
      new GraphWidget({
        title,
        left,
        right: options.right ?? [],
        width: options.width ?? WIDTH,
        height: HEIGHT,
        period: PERIOD,
      });
    const functions: Array<[string, IFunction]> = [
      ["proxy", props.proxyFunction],
      ["api", props.apiFunction],
      ["log-writer", props.logWriterFunction],
    ];
    const stage = props.restApi.deploymentStage;

    this.dashboard = new Dashboard(this, "Dashboard", {
      dashboardName: `${Stack.of(this).stackName}-gateway`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          `# AI gateway\nProxy metrics: namespace \`${namespace}\`, dimension \`service=${service}\` ` +
          "(totals), plus `gateway`+`provider` and `provider`+`model` sets. See docs/observability.md.",
        width: 24,
        height: 2,
      }),
      new AlarmStatusWidget({ title: "Alarms", alarms: props.alarms, width: 24, height: 3 }),
    );
    this.dashboard.addWidgets(
      graph("Requests and errors by class", [
        total(METRIC_NAMES.requests),
        total(METRIC_NAMES.clientErrors),
        total(METRIC_NAMES.providerErrors),
        total(METRIC_NAMES.gatewayErrors),
        total(METRIC_NAMES.rateLimited),
        total(METRIC_NAMES.clientAborted),
        total(METRIC_NAMES.cacheHits),
      ]),
      graph("Requests by gateway and provider", [byProvider(METRIC_NAMES.requests)]),
      graph("Errors by gateway and provider", [
        byProvider(METRIC_NAMES.providerErrors),
        byProvider(METRIC_NAMES.gatewayErrors),
      ]),
    );
    this.dashboard.addWidgets(
      graph("Latency, time to first byte (ms)", [
        total(METRIC_NAMES.latency, Stats.p(50), "Latency p50"),
        total(METRIC_NAMES.latency, Stats.p(99), "Latency p99"),
        total(METRIC_NAMES.timeToFirstByte, Stats.p(50), "TimeToFirstByte p50"),
        total(METRIC_NAMES.timeToFirstByte, Stats.p(99), "TimeToFirstByte p99"),
      ]),
      graph("Gateway overhead vs provider wait (ms)", [
        total(METRIC_NAMES.gatewayOverhead, Stats.p(50), "GatewayOverhead p50"),
        total(METRIC_NAMES.gatewayOverhead, Stats.p(99), "GatewayOverhead p99"),
        total(METRIC_NAMES.providerWait, Stats.p(50), "ProviderWait p50"),
      ]),
      graph("Time to first byte p90 by gateway and provider (ms)", [
        byProvider(METRIC_NAMES.timeToFirstByte, "p90"),
      ]),
    );
    this.dashboard.addWidgets(
      graph("Tokens", [total(METRIC_NAMES.tokensIn), total(METRIC_NAMES.tokensOut)], {
        right: [total(METRIC_NAMES.cost, Stats.SUM, "Cost (USD)")],
      }),
      graph("Output tokens by provider and model", [byModel(METRIC_NAMES.tokensOut)]),
      graph("Successful requests by provider and model", [byModel(METRIC_NAMES.successfulRequests)]),
    );
    this.dashboard.addWidgets(
      graph("API: 4xx and 5xx", [
        stage.metricClientError({ period: PERIOD, statistic: Stats.SUM, label: "4XXError" }),
        stage.metricServerError({ period: PERIOD, statistic: Stats.SUM, label: "5XXError" }),
        stage.metricCount({ period: PERIOD, statistic: Stats.SUM, label: "Count" }),
      ]),
      graph("API: latency (ms)", [
        stage.metricLatency({ period: PERIOD, statistic: Stats.p(50), label: "Latency p50" }),
        stage.metricLatency({ period: PERIOD, statistic: Stats.p(99), label: "Latency p99" }),
        stage.metricIntegrationLatency({ period: PERIOD, statistic: Stats.p(99), label: "Integration p99" }),
      ]),
      graph(
        "Log pipeline and fail-open limits",
        [total(METRIC_NAMES.logPipelineFailures), total(METRIC_NAMES.rateLimitFailOpen)],
        {
          right: [
            props.logDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
              period: PERIOD,
              statistic: Stats.MAXIMUM,
              label: "Dead letters",
            }),
          ],
        },
      ),
    );
    this.dashboard.addWidgets(
      graph(
        "Lambda errors and throttles",
        functions.flatMap(([name, fn]) => [
          fn.metricErrors({ period: PERIOD, statistic: Stats.SUM, label: `${name} errors` }),
          fn.metricThrottles({ period: PERIOD, statistic: Stats.SUM, label: `${name} throttles` }),
        ]),
      ),
      graph(
        "Lambda duration p99 (ms)",
        functions.map(([name, fn]) =>
          fn.metricDuration({ period: PERIOD, statistic: Stats.p(99), label: name }),
        ),
      ),
      graph(
        "Lambda invocations",
        functions.map(([name, fn]) =>
          fn.metricInvocations({ period: PERIOD, statistic: Stats.SUM, label: name }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        "Log queue depth",
        [
          props.logQueue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: Stats.MAXIMUM,
            label: "Queued",
          }),
          props.logQueue.metricApproximateNumberOfMessagesNotVisible({
            period: PERIOD,
            statistic: Stats.MAXIMUM,
            label: "In flight",
          }),
          props.logDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: Stats.MAXIMUM,
            label: "Dead letters",
          }),
        ],
        { width: 12 },
      ),
      graph(
        "Age of the oldest queued log (s)",
        [
          props.logQueue.metricApproximateAgeOfOldestMessage({
            period: PERIOD,
            statistic: Stats.MAXIMUM,
            label: "Oldest message age",
          }),
        ],
        { width: 12 },
      ),
    );
  }
}
