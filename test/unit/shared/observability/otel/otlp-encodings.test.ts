import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { otlpJsonBody, SCOPE, SERVICE_NAME } from "../../../../../shared/observability/otel/otlp-json.ts";
import { otlpProtobufBody } from "../../../../../shared/observability/otel/otlp-protobuf.ts";
import { type RequestSpan, requestSpanOf } from "../../../../../shared/observability/otel/request-span.ts";
import { logEvent } from "../../../../integration/logs/log-fixtures.ts";
import { decodeProtobuf } from "../../../../support/otlp-decode.ts";

/** One resource for all spans: the SDK groups spans by resource object. */
const RESOURCE = resourceFromAttributes({ "service.name": SERVICE_NAME });
const SCOPE_OBJECT = { name: SCOPE.name };

/**
 * The same spans as the OpenTelemetry SDK holds them, for its own OTLP serializers
 * (@opentelemetry/otlp-transformer, what @opentelemetry/exporter-trace-otlp-* send): the reference the
 * hand-written encodings are checked against.
 */
function readableSpanOf(span: RequestSpan): ReadableSpan {
  const hrTime = (nanos: bigint): [number, number] => [
    Number(nanos / 1_000_000_000n),
    Number(nanos % 1_000_000_000n),
  ];
  return {
    name: span.name,
    kind: 2, // SpanKind.CLIENT in the API; OTLP's CLIENT is 3
    spanContext: () => ({ traceId: span.traceId, spanId: span.spanId, traceFlags: 1 }),
    ...(span.parentSpanId
      ? {
          parentSpanContext: {
            traceId: span.traceId,
            spanId: span.parentSpanId,
            traceFlags: 1,
            isRemote: true,
          },
        }
      : {}),
    startTime: hrTime(span.startTimeUnixNano),
    endTime: hrTime(span.endTimeUnixNano),
    duration: hrTime(span.endTimeUnixNano - span.startTimeUnixNano),
    status: span.errorMessage ? { code: 2, message: span.errorMessage } : { code: 0 },
    attributes: Object.fromEntries(span.attributes),
    links: [],
    events: [],
    ended: true,
    resource: RESOURCE,
    instrumentationScope: SCOPE_OBJECT,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  } as unknown as ReadableSpan;
}

const spans = [
  requestSpanOf(logEvent({ cost: 0.00042, metadata: { team: "search", tier: 2, beta: true } })),
  requestSpanOf(logEvent({ success: false, status_code: 504, error: { code: 2005, message: "timed out" } })),
  requestSpanOf(
    logEvent({ otel_trace_id: "4bf92f3577b34da6a3ce929d0e0e4736", otel_parent_span_id: "00f067aa0ba902b7" }),
  ),
];

/**
 * Drops what the official serializer writes beyond our fields (span flags, dropped counts: `other:*`) and
 * numbers it writes at proto3's default 0 (a status code UNSET), which mean the same as leaving them out.
 */
function withoutDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDefaults);
  if (value && typeof value === "object" && !(value instanceof Uint8Array)) {
    const entries = Object.entries(value)
      .filter(([key]) => !key.startsWith("other:"))
      .filter(([, entry]) => !(Array.isArray(entry) && entry.length === 1 && entry[0] === "0"))
      .map(([key, entry]) => [key, withoutDefaults(entry)]);
    return Object.fromEntries(entries);
  }
  return value;
}

describe("the hand-written OTLP encodings", () => {
  it("write in JSON what the OpenTelemetry SDK's JSON serializer writes for the same spans", () => {
    const official = JSON.parse(
      Buffer.from(
        JsonTraceSerializer.serializeRequest(spans.map(readableSpanOf)) ?? new Uint8Array(),
      ).toString(),
    );
    const ours = JSON.parse(otlpJsonBody(spans));
    const officialSpans = official.resourceSpans[0].scopeSpans[0].spans;
    const ourSpans = ours.resourceSpans[0].scopeSpans[0].spans;
    expect(ours.resourceSpans[0].resource.attributes).toEqual(official.resourceSpans[0].resource.attributes);
    expect(ours.resourceSpans[0].scopeSpans[0].scope.name).toBe(
      official.resourceSpans[0].scopeSpans[0].scope.name,
    );
    ourSpans.forEach((span: Record<string, unknown>, index: number) => {
      const reference = officialSpans[index];
      for (const field of [
        "traceId",
        "spanId",
        "parentSpanId",
        "name",
        "kind",
        "startTimeUnixNano",
        "endTimeUnixNano",
      ]) {
        expect({ field, value: String(span[field]) }).toEqual({ field, value: String(reference[field]) });
      }
      // Integers may be numbers or strings in OTLP JSON (protobuf's JSON mapping of int64): compare as text.
      const text = (attributes: Array<{ key: string; value: Record<string, unknown> }>) =>
        attributes.map(({ key, value }) => [key, Object.keys(value)[0], String(Object.values(value)[0])]);
      expect(text(span.attributes as never)).toEqual(text(reference.attributes));
      const status = span.status as { code?: number; message?: string };
      expect(status.code ?? 0).toBe(reference.status.code ?? 0);
      expect(status.message).toBe(reference.status.message);
    });
  });

  it("write in protobuf, field by field, what the OpenTelemetry SDK's protobuf serializer writes", () => {
    const official = decodeProtobuf(
      ProtobufTraceSerializer.serializeRequest(spans.map(readableSpanOf)) ?? new Uint8Array(),
      "Request",
    );
    const ours = decodeProtobuf(otlpProtobufBody(spans), "Request");
    expect(JSON.stringify(withoutDefaults(ours))).toContain("timed out");
    expect(JSON.stringify(withoutDefaults(ours))).toContain("00f067aa0ba902b7");
    expect(withoutDefaults(ours)).toEqual(withoutDefaults(official));
  });
});
