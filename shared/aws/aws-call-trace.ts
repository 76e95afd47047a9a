import type { Tracer } from "@aws-lambda-powertools/tracer";

/** The X-Ray SDK's Subsegment, as the tracer's segments create them. */
type Subsegment = ReturnType<NonNullable<ReturnType<Tracer["getSegment"]>>["addNewSubsegment"]>;

/** How an AWS call ended, for its subsegment. */
export interface AwsCallOutcome {
  statusCode?: number;
  requestId?: string;
  /** Attempts made beyond the first. */
  retries: number;
  /** Request and response parameters the X-Ray SDK's whitelist records for this operation (snake_case). */
  attributes: Record<string, unknown>;
  error?: Error & { code?: string; queryErrorCode?: string };
  throttled?: boolean;
}

export interface AwsCallTrace {
  /** The X-Amzn-Trace-Id header for the request, which lets X-Ray join the service's side to this call. */
  header: string;
  end(outcome: AwsCallOutcome): void;
}

/**
 * One X-Ray subsegment for one AWS call made without the SDK, recorded as the X-Ray SDK's
 * captureAWSv3Client records an SDK call (aws-xray-sdk-core patchers/aws3_p.js): named after the service
 * (`SQS`), namespace `aws`, an `aws` attribute with the operation, region, request id, retries and the
 * operation's whitelisted parameters (queue_url, message_count, ...), an `http` attribute with the status,
 * and the throttle/error/fault flags. Undefined when tracing is off or there is no segment to attach to.
 */
export function startAwsCallTrace(
  tracer: Tracer,
  service: string,
  operation: string,
  region: string,
): (AwsCallTrace & { subsegment: Subsegment }) | undefined {
  const parent = tracer.getSegment();
  if (!parent) return undefined;
  const subsegment: Subsegment = parent.notTraced
    ? parent.addNewSubsegmentWithoutSampling(service)
    : parent.addNewSubsegment(service);
  subsegment.addAttribute("namespace", "aws");
  const root = "segment" in parent && parent.segment ? parent.segment : parent;
  let header = `Root=${String((root as { trace_id?: unknown }).trace_id)};Parent=${subsegment.id};Sampled=${subsegment.notTraced ? "0" : "1"}`;
  const extra = (root as { additionalTraceData?: Record<string, unknown> }).additionalTraceData;
  if (extra) for (const [key, value] of Object.entries(extra)) header += `;${key}=${String(value)}`;
  return {
    subsegment,
    header,
    end(outcome) {
      try {
        subsegment.addAttribute("aws", {
          operation,
          region,
          ...(outcome.requestId ? { request_id: outcome.requestId } : {}),
          retries: outcome.retries,
          ...outcome.attributes,
        });
        if (outcome.statusCode !== undefined)
          subsegment.addAttribute("http", { response: { status: outcome.statusCode } });
        if (outcome.throttled || outcome.statusCode === 429) subsegment.addThrottleFlag();
        if (outcome.statusCode !== undefined && outcome.statusCode >= 500) subsegment.addFaultFlag();
        else if (outcome.statusCode !== undefined && outcome.statusCode >= 400) subsegment.addErrorFlag();
      } finally {
        const error = outcome.error;
        if (error)
          subsegment.close(
            { message: error.message, name: error.name, stack: error.stack ?? "" } as Error,
            true,
          );
        else subsegment.close();
      }
    },
  };
}
