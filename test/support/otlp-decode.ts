import type { ReceivedExport } from "./otlp-receiver.ts";

/** Protobuf fields as the OTLP messages declare them; anything else is collected under `other`. */
type FieldKind = "string" | "hex" | "varint" | "fixed64" | "double" | string;
const MESSAGES: Record<string, Record<number, FieldKind>> = {
  Request: { 1: "ResourceSpans" },
  ResourceSpans: { 1: "Resource", 2: "ScopeSpans" },
  Resource: { 1: "KeyValue" },
  ScopeSpans: { 1: "Scope", 2: "Span" },
  Scope: { 1: "string", 2: "string" },
  Span: {
    1: "hex",
    2: "hex",
    4: "hex",
    5: "string",
    6: "varint",
    7: "fixed64",
    8: "fixed64",
    9: "KeyValue",
    15: "Status",
  },
  Status: { 2: "string", 3: "varint" },
  KeyValue: { 1: "string", 2: "AnyValue" },
  AnyValue: { 1: "string", 2: "varint", 3: "varint", 4: "double" },
};

/**
 * Decodes an OTLP protobuf message (an ExportTraceServiceRequest: type `Request`) by the field numbers of
 * opentelemetry-proto into { field: [values] }; fields not declared are kept under `other:{field}`.
 */
export function decodeProtobuf(bytes: Uint8Array, type: string): Record<string, unknown[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields: Record<string, unknown[]> = {};
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = bytes[offset++] ?? 0;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
  };
  while (offset < bytes.length) {
    const key = varint();
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    let raw: bigint | Uint8Array | number;
    if (wireType === 0) raw = varint();
    else if (wireType === 1) {
      raw = view.getBigUint64(offset, true);
      offset += 8;
    } else if (wireType === 5) {
      raw = view.getUint32(offset, true);
      offset += 4;
    } else {
      const length = Number(varint());
      raw = bytes.subarray(offset, offset + length);
      offset += length;
    }
    const kind = MESSAGES[type]?.[field];
    let value: unknown = raw;
    if (kind === "string") value = Buffer.from(raw as Uint8Array).toString("utf8");
    else if (kind === "hex") value = Buffer.from(raw as Uint8Array).toString("hex");
    else if (kind === "varint" || kind === "fixed64") value = String(raw);
    else if (kind === "double") {
      const double = new DataView(new ArrayBuffer(8));
      double.setBigUint64(0, raw as bigint, true);
      value = double.getFloat64(0, true);
    } else if (kind && MESSAGES[kind]) value = decodeProtobuf(raw as Uint8Array, kind);
    const name = kind ? String(field) : `other:${field}`;
    fields[name] = [...(fields[name] ?? []), value];
  }
  return fields;
}

/** A span as a collector received it, whatever the encoding: ids in hex, attribute values as text. */
export interface ExportedSpan {
  encoding: "json" | "protobuf";
  traceId: string;
  spanId: string;
  /** Absent when the span has none (OTLP JSON leaves it out; protobuf leaves the field out). */
  parentSpanId?: string;
  name: string;
  attributes: Record<string, string>;
}

type Message = Record<string, unknown[]>;
const messages = (message: Message | undefined, field: number) => (message?.[field] ?? []) as Message[];

function protobufSpans(body: Buffer): ExportedSpan[] {
  const request = decodeProtobuf(body, "Request");
  return messages(request, 1)
    .flatMap((resourceSpans) => messages(resourceSpans, 2))
    .flatMap((scopeSpans) => messages(scopeSpans, 2))
    .map((span) => ({
      encoding: "protobuf",
      traceId: String(span[1]?.[0]),
      spanId: String(span[2]?.[0]),
      ...(span[4] ? { parentSpanId: String(span[4][0]) } : {}),
      name: String(span[5]?.[0]),
      attributes: Object.fromEntries(
        messages(span, 9).map((pair) => [String(pair[1]?.[0]), anyValueText(messages(pair, 2)[0] ?? {})]),
      ),
    }));
}

/** AnyValue as text: string 1, bool 2 (a varint 0 or 1), int 3, double 4. */
function anyValueText(value: Message): string {
  if (value[2]) return value[2][0] === "1" ? "true" : "false";
  return String((value[1] ?? value[3] ?? value[4])?.[0]);
}

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

function jsonSpans(body: Buffer): ExportedSpan[] {
  const request = JSON.parse(body.toString("utf8")) as {
    resourceSpans: Array<{ scopeSpans: Array<{ spans: JsonSpan[] }> }>;
  };
  return request.resourceSpans
    .flatMap((resourceSpans) => resourceSpans.scopeSpans)
    .flatMap((scopeSpans) => scopeSpans.spans)
    .map((span) => ({
      encoding: "json",
      traceId: span.traceId,
      spanId: span.spanId,
      ...(span.parentSpanId === undefined ? {} : { parentSpanId: span.parentSpanId }),
      name: span.name,
      attributes: Object.fromEntries(
        span.attributes.map(({ key, value }) => [key, String(Object.values(value)[0])]),
      ),
    }));
}

/** The spans of one export request, decoded from JSON or protobuf as its content type says. */
export function exportedSpans(received: ReceivedExport): ExportedSpan[] {
  return received.contentType.startsWith("application/x-protobuf")
    ? protobufSpans(received.body)
    : jsonSpans(received.body);
}
