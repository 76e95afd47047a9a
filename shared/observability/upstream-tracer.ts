import type { Tracer } from "@aws-lambda-powertools/tracer";
import type { LogEvent } from "../schemas/log-event.ts";
import type { UpstreamSpan } from "./request-observer.ts";

/**
 * OpenTelemetry GenAI semantic-convention names (https://opentelemetry.io/docs/specs/semconv/gen-ai/).
 * X-Ray annotation keys may hold only letters, digits and underscores, so each name is recorded twice:
 * as metadata under its exact OpenTelemetry name (namespace "gen_ai"), and as an annotation with the dots
 * turned into underscores (`gen_ai_request_model`), which X-Ray can filter on.
 */
export const GEN_AI_ATTRIBUTES = {
  system: "gen_ai.system",
  providerName: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  statusCode: "http.response.status_code",
} as const;

export const annotationKey = (attribute: string): string => attribute.replace(/[^A-Za-z0-9_]/g, "_");

/** The X-Ray SDK's Subsegment, as the tracer's segments create them. */
type Subsegment = ReturnType<NonNullable<ReturnType<Tracer["getSegment"]>>["addNewSubsegment"]>;

const NO_SPAN: UpstreamSpan = { end: () => {} };

/**
 * Opens one X-Ray subsegment per provider call, under the segment the proxy handler made current, and
 * closes it with the GenAI attributes once the response is over. A no-op when tracing is off (not on
 * Lambda, POWERTOOLS_TRACE_ENABLED=false, or the function is not traced).
 */
export function startUpstreamSpan(tracer: Tracer, providerSlug: string): UpstreamSpan {
  if (!tracer.isTracingEnabled()) return NO_SPAN;
  const parent = tracer.getSegment();
  if (!parent) return NO_SPAN;
  // Named after the provider, so the trace map shows one node a provider; `namespace: remote` marks a
  // downstream call, which X-Ray draws as a service of its own.
  const subsegment: Subsegment = parent.addNewSubsegment(`upstream ${providerSlug}`);
  subsegment.namespace = "remote";
  return {
    end(event) {
      try {
        annotate(subsegment, event);
        if (event.status_code >= 500 || event.error) subsegment.addFaultFlag();
        else if (event.status_code === 429) subsegment.addThrottleFlag();
        else if (event.status_code >= 400) subsegment.addErrorFlag();
      } finally {
        subsegment.close();
      }
    },
  };
}

function annotate(subsegment: Subsegment, event: LogEvent): void {
  const attributes: Record<string, string | number | null> = {
    [GEN_AI_ATTRIBUTES.system]: event.provider,
    [GEN_AI_ATTRIBUTES.providerName]: event.provider,
    [GEN_AI_ATTRIBUTES.requestModel]: event.model,
    [GEN_AI_ATTRIBUTES.inputTokens]: event.tokens_in,
    [GEN_AI_ATTRIBUTES.outputTokens]: event.tokens_out,
    [GEN_AI_ATTRIBUTES.statusCode]: event.status_code,
  };
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null) continue;
    subsegment.addMetadata(name, value, "gen_ai");
    subsegment.addAnnotation(annotationKey(name), value);
  }
  subsegment.addAnnotation("log_id", event.id);
  subsegment.addAnnotation("gateway_id", event.gateway_id);
}
