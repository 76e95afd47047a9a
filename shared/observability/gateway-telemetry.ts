import { Metrics } from "@aws-lambda-powertools/metrics";
import type { Tracer } from "@aws-lambda-powertools/tracer";
import type { StructuredLogger } from "../core/structured-logger.ts";
import { DEFAULT_METRICS_NAMESPACE, RequestMetrics } from "./request-metrics.ts";

export interface GatewayTelemetry {
  metrics: RequestMetrics;
  tracer: Tracer;
}

/**
 * The Powertools Metrics and Tracer of one function, built once per instance (cold start).
 *
 * Metrics: namespace from POWERTOOLS_METRICS_NAMESPACE (default "AiGateway"); POWERTOOLS_METRICS_DISABLED
 * turns the EMF lines off (npm start and the tests set it), as does POWERTOOLS_DEV unless
 * POWERTOOLS_METRICS_DISABLED says otherwise.
 *
 * Tracer: on only on Lambda (AWS_EXECUTION_ENV) and unless POWERTOOLS_TRACE_ENABLED=false; off, every call
 * is a no-op and nothing is sent or printed. When it cannot be on, the Tracer module is not even loaded: the
 * X-Ray SDK under it installs async hooks (cls-hooked) at import that track every promise, a cost the
 * benchmark's profiles showed with tracing off (docs/benchmarks.md). It does not patch http/https/fetch
 * globally (captureHTTPsRequests: false): that would add an `X-Amzn-Trace-Id` header to the provider requests,
 * which the gateway passes on as the client sent them. The provider call gets its own subsegment
 * (upstream-tracer.ts); the AWS SDK clients are traced one by one with `traceAwsClient`.
 */
export async function createGatewayTelemetry(
  logger: StructuredLogger & { debug(message: string): void },
): Promise<GatewayTelemetry> {
  const metrics = new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_METRICS_NAMESPACE,
    // Powertools' own warnings go to the structured log; the EMF lines always go to stdout.
    logger,
  });
  const tracer = tracingPossible(process.env)
    ? new (await import("@aws-lambda-powertools/tracer")).Tracer({ captureHTTPsRequests: false })
    : TRACING_OFF;
  return { metrics: new RequestMetrics(metrics), tracer };
}

/**
 * Whether Powertools' Tracer could turn itself on here (its own rule: on Lambda, not under SAM local or the
 * Amplify mock, and POWERTOOLS_TRACE_ENABLED not "false"). When true the real Tracer is loaded and decides.
 */
export function tracingPossible(env: NodeJS.ProcessEnv): boolean {
  const executionEnv = env.AWS_EXECUTION_ENV ?? "";
  return (
    executionEnv !== "" &&
    executionEnv !== "AWS_Lambda_amplify-mock" &&
    !env.AWS_SAM_LOCAL &&
    (env.POWERTOOLS_TRACE_ENABLED ?? "").toLowerCase() !== "false"
  );
}

/**
 * The Tracer when tracing cannot be on. Every use in this codebase asks `isTracingEnabled()` first
 * (traceAwsClient, traceInvocation, startUpstreamSpan), so that is the one method it needs.
 */
const TRACING_OFF = { isTracingEnabled: () => false } as unknown as Tracer;

/** Traces an AWS SDK v3 client's calls (DynamoDB, SQS) as subsegments; returns the client unchanged when off. */
export function traceAwsClient<T>(tracer: Tracer, client: T): T {
  return tracer.isTracingEnabled() ? tracer.captureAWSv3Client(client) : client;
}

/**
 * Runs one invocation inside a `## {name}` subsegment, current for its duration, annotated with the cold
 * start and the service name, as Powertools' manual instrumentation does. Streaming handlers cannot use
 * the middy middleware or the decorator (see functions/proxy/handler.ts), hence this.
 */
export async function traceInvocation<T>(tracer: Tracer, name: string, work: () => Promise<T>): Promise<T> {
  const segment = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
  if (!segment) return work();
  const subsegment = segment.addNewSubsegment(`## ${name}`);
  tracer.setSegment(subsegment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  try {
    return await work();
  } catch (error) {
    tracer.addErrorAsMetadata(error as Error);
    throw error;
  } finally {
    subsegment.close();
    tracer.setSegment(segment);
  }
}
