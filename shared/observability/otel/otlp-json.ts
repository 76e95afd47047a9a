import type { RequestSpan, SpanAttributeValue } from "./request-span.ts";

/** The resource every span is sent under: `service.name` names the gateway in a collector. */
export const SERVICE_NAME = "ai-gateway";
export const SCOPE = { name: "ai-gateway.log-writer" };
/** OTLP's SpanKind CLIENT (the gateway calls the provider) and StatusCode ERROR. */
export const SPAN_KIND_CLIENT = 3;
export const STATUS_CODE_ERROR = 2;

function anyValue(value: SpanAttributeValue): Record<string, unknown> {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  // 64-bit integers are strings in OTLP JSON (protobuf's JSON mapping).
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

/**
 * An ExportTraceServiceRequest in OTLP/HTTP's JSON encoding
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): trace and span ids as hex strings,
 * enums as numbers, 64-bit integers as decimal strings. Written by hand rather than with
 * @opentelemetry/otlp-transformer, which adds about 250 KB to the log-writer's bundle for two encoders.
 */
export function otlpJsonBody(spans: RequestSpan[]): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: SERVICE_NAME } }] },
        scopeSpans: [
          {
            scope: SCOPE,
            spans: spans.map((span) => ({
              traceId: span.traceId,
              spanId: span.spanId,
              ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
              name: span.name,
              kind: SPAN_KIND_CLIENT,
              startTimeUnixNano: String(span.startTimeUnixNano),
              endTimeUnixNano: String(span.endTimeUnixNano),
              attributes: span.attributes.map(([key, value]) => ({ key, value: anyValue(value) })),
              status: span.errorMessage ? { code: STATUS_CODE_ERROR, message: span.errorMessage } : {},
            })),
          },
        ],
      },
    ],
  });
}
