import { Duration } from "aws-cdk-lib";
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { FilterPattern, type ILogGroup, MetricFilter } from "aws-cdk-lib/aws-logs";
import { Topic } from "aws-cdk-lib/aws-sns";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DIMENSIONS, METRIC_NAMES } from "../../../shared/observability/metric-names.ts";

/** The thresholds, in one place (docs/observability.md explains each). */
export const ALARM_THRESHOLDS = {
  /** Percent of requests that ended in a provider 5xx or a gateway error, over 5 minutes... */
  proxyErrorRatePercent: 5,
  /** ...once there are at least this many requests in those 5 minutes (3 failures of 4 is not an outage). */
  proxyErrorRateMinimumRequests: 10,
  /** Throttled proxy invocations in 5 minutes: any is a client turned away by the concurrency limit. */
  proxyThrottles: 1,
  /** Log events in the dead-letter queue: any is a log that will not be stored without a redrive. */
  deadLetterMessages: 1,
  /** Log-writer invocation errors in 5 minutes (a whole batch failed, not a single bad event). */
  logWriterErrors: 1,
  /** Seconds the oldest queued log event has waited: logs normally arrive within seconds. */
  oldestQueuedLogSeconds: 300,
  /** Log events the proxy could not queue (written to its log instead) in 5 minutes. */
  logPipelineFailures: 1,
  /** Proxy invocations that failed, or left their response stream unfinished, in 5 minutes. */
  proxyInvocationErrors: 1,
} as const;

/**
 * The metric the proxy's log group feeds with each "Response stream is not finished": what the Lambda
 * runtime logs when a streaming handler returns, or fails, before ending its response stream. The client
 * then gets a cut response, which neither the gateway's own error metrics (it never saw the failure) nor,
 * always, Lambda's Errors metric count.
 */
export const UNFINISHED_STREAMS_METRIC = "ProxyUnfinishedResponseStreams";
const UNFINISHED_STREAM_LOG_TEXT = "Response stream is not finished";

const FIVE_MINUTES = Duration.minutes(5);

export interface GatewayAlarmsProps {
  metricsNamespace: string;
  /** The proxy's Powertools service name: the `service` dimension of its metrics. */
  proxyServiceName: string;
  proxyFunction: IFunction;
  /** The proxy's log group, where the runtime's own error lines are counted. */
  proxyLogGroup: ILogGroup;
  apiFunction: IFunction;
  logWriterFunction: IFunction;
  logQueue: IQueue;
  logDeadLetterQueue: IQueue;
  /** The log-delete queue's dead-letter queue: a job's message there leaves the job unfinished. */
  logDeleteDeadLetterQueue: IQueue;
  /** An SNS topic that receives every alarm's ALARM and OK notifications. */
  alarmTopicArn?: string | undefined;
}

/**
 * The alarms an operator needs: the proxy failing requests or being throttled, and the log pipeline
 * losing ground (dead letters, log-writer errors, a growing backlog, events the proxy could not queue).
 * Missing data is "not breaching": no traffic is not an incident. With `alarmTopicArn`, each alarm
 * notifies the topic when it fires and when it recovers.
 */
export class GatewayAlarms extends Construct {
  readonly proxyErrorRate: Alarm;
  readonly proxyThrottles: Alarm;
  readonly deadLetterQueue: Alarm;
  readonly logDeleteDeadLetterQueue: Alarm;
  readonly logWriterErrors: Alarm;
  readonly oldestQueuedLog: Alarm;
  readonly logPipelineFailures: Alarm;
  readonly proxyInvocationErrors: Alarm;
  /** Every alarm above. */
  readonly all: Alarm[];

  constructor(scope: Construct, id: string, props: GatewayAlarmsProps) {
    super(scope, id);
    const gatewayMetric = (metricName: string) =>
      new Metric({
        namespace: props.metricsNamespace,
        metricName,
        dimensionsMap: { [DIMENSIONS.service]: props.proxyServiceName },
        statistic: Stats.SUM,
        period: FIVE_MINUTES,
      });

    const { proxyErrorRatePercent: rate, proxyErrorRateMinimumRequests: minimum } = ALARM_THRESHOLDS;
    this.proxyErrorRate = this.alarm("ProxyErrorRate", {
      description:
        `More than ${rate}% of the proxy's requests failed (provider 5xx or gateway errors: 502, 504, 413, ...) ` +
        `in 5 minutes, with at least ${minimum} requests. Client errors (4xx) do not count.`,
      metric: new MathExpression({
        expression: `IF(requests >= ${minimum}, 100 * (providerErrors + gatewayErrors) / requests, 0)`,
        usingMetrics: {
          requests: gatewayMetric(METRIC_NAMES.requests),
          providerErrors: gatewayMetric(METRIC_NAMES.providerErrors),
          gatewayErrors: gatewayMetric(METRIC_NAMES.gatewayErrors),
        },
        label: "Proxy error rate (%)",
        period: FIVE_MINUTES,
      }),
      threshold: rate,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      // Two 5-minute periods of three: one bad burst from one provider is not paged.
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    this.proxyThrottles = this.alarm("ProxyThrottles", {
      description:
        "The proxy Lambda was throttled (account or reserved concurrency reached): clients got 5xx from API Gateway.",
      metric: props.proxyFunction.metricThrottles({ period: FIVE_MINUTES, statistic: Stats.SUM }),
      threshold: ALARM_THRESHOLDS.proxyThrottles,
    });

    this.deadLetterQueue = this.alarm("LogDeadLetterQueue", {
      description:
        "Log events are in the dead-letter queue: they failed 5 deliveries and are not stored. Inspect them and redrive.",
      metric: props.logDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: Stats.MAXIMUM,
      }),
      threshold: ALARM_THRESHOLDS.deadLetterMessages,
    });

    this.logDeleteDeadLetterQueue = this.alarm("LogDeleteDeadLetterQueue", {
      description:
        "A log-delete job's message is in the log-delete dead-letter queue: it failed 5 deliveries, and its job " +
        "stays running without progress (GET .../logs/deletes). Inspect the log-deleter's log and redrive.",
      metric: props.logDeleteDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: Stats.MAXIMUM,
      }),
      threshold: ALARM_THRESHOLDS.deadLetterMessages,
    });

    this.logWriterErrors = this.alarm("LogWriterErrors", {
      description: "The log-writer Lambda failed invocations: whole batches of logs are being retried.",
      metric: props.logWriterFunction.metricErrors({ period: FIVE_MINUTES, statistic: Stats.SUM }),
      threshold: ALARM_THRESHOLDS.logWriterErrors,
    });

    this.oldestQueuedLog = this.alarm("OldestQueuedLog", {
      description:
        `A log event has waited in the queue for ${ALARM_THRESHOLDS.oldestQueuedLogSeconds} s or more: the ` +
        "log-writer is failing or falling behind, and logs and analytics are late.",
      metric: props.logQueue.metricApproximateAgeOfOldestMessage({
        period: FIVE_MINUTES,
        statistic: Stats.MAXIMUM,
      }),
      threshold: ALARM_THRESHOLDS.oldestQueuedLogSeconds,
    });

    this.logPipelineFailures = this.alarm("LogPipelineFailures", {
      description:
        "The proxy could not queue log events (SQS refused or was unreachable); they are in the proxy's log " +
        'as "log event not queued" and can be replayed from there.',
      metric: gatewayMetric(METRIC_NAMES.logPipelineFailures),
      threshold: ALARM_THRESHOLDS.logPipelineFailures,
    });

    const unfinishedStreams = new MetricFilter(this, "ProxyUnfinishedStreams", {
      logGroup: props.proxyLogGroup,
      filterPattern: FilterPattern.literal(`"${UNFINISHED_STREAM_LOG_TEXT}"`),
      metricNamespace: props.metricsNamespace,
      metricName: UNFINISHED_STREAMS_METRIC,
      metricValue: "1",
    });
    this.proxyInvocationErrors = this.alarm("ProxyInvocationErrors", {
      description:
        "Proxy invocations failed outside the gateway's own error handling: the function threw, or ended " +
        `without finishing its response stream ("${UNFINISHED_STREAM_LOG_TEXT}" in its log). Those ` +
        "clients got a cut or empty response; the proxy's log has the error.",
      metric: new MathExpression({
        expression: "FILL(functionErrors, 0) + FILL(unfinishedStreams, 0)",
        usingMetrics: {
          functionErrors: props.proxyFunction.metricErrors({ period: FIVE_MINUTES, statistic: Stats.SUM }),
          unfinishedStreams: unfinishedStreams.metric({ period: FIVE_MINUTES, statistic: Stats.SUM }),
        },
        label: "Proxy invocation errors and unfinished streams",
        period: FIVE_MINUTES,
      }),
      threshold: ALARM_THRESHOLDS.proxyInvocationErrors,
    });

    this.all = [
      this.proxyErrorRate,
      this.proxyThrottles,
      this.deadLetterQueue,
      this.logDeleteDeadLetterQueue,
      this.logWriterErrors,
      this.oldestQueuedLog,
      this.logPipelineFailures,
      this.proxyInvocationErrors,
    ];

    if (props.alarmTopicArn) {
      const action = new SnsAction(Topic.fromTopicArn(this, "AlarmTopic", props.alarmTopicArn));
      for (const alarm of this.all) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
  }

  private alarm(
    id: string,
    props: {
      description: string;
      metric: IMetric;
      threshold: number;
      comparisonOperator?: ComparisonOperator;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
    },
  ): Alarm {
    return new Alarm(this, id, {
      alarmDescription: props.description,
      metric: props.metric,
      threshold: props.threshold,
      comparisonOperator: props.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: props.evaluationPeriods ?? 1,
      datapointsToAlarm: props.datapointsToAlarm ?? props.evaluationPeriods ?? 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
