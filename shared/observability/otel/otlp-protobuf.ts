import { SCOPE, SERVICE_NAME, SPAN_KIND_CLIENT, STATUS_CODE_ERROR } from "./otlp-json.ts";
import type { RequestSpan, SpanAttributeValue } from "./request-span.ts";

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/). */
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;

/** One message being written: fields appended in order, nested messages as length-delimited bytes. */
class MessageWriter {
  private readonly chunks: Uint8Array[] = [];

  private varint(value: bigint): void {
    const bytes: number[] = [];
    let rest = BigInt.asUintN(64, value);
    while (rest > 0x7fn) {
      bytes.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    bytes.push(Number(rest));
    this.chunks.push(Uint8Array.from(bytes));
  }

  private tag(field: number, wireType: number): void {
    this.varint(BigInt((field << 3) | wireType));
  }

  uint(field: number, value: number | bigint): this {
    this.tag(field, VARINT);
    this.varint(BigInt(value));
    return this;
  }

  bool(field: number, value: boolean): this {
    return this.uint(field, value ? 1 : 0);
  }

  fixed64(field: number, value: bigint): this {
    this.tag(field, FIXED64);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    this.chunks.push(bytes);
    return this;
  }

  double(field: number, value: number): this {
    this.tag(field, FIXED64);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    this.chunks.push(bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, LENGTH_DELIMITED);
    this.varint(BigInt(value.length));
    this.chunks.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, write: (message: MessageWriter) => void): this {
    const nested = new MessageWriter();
    write(nested);
    return this.bytes(field, nested.finish());
  }

  finish(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

/** AnyValue: string_value 1, bool_value 2, int_value 3, double_value 4. */
function anyValue(message: MessageWriter, value: SpanAttributeValue): void {
  if (typeof value === "string") message.string(1, value);
  else if (typeof value === "boolean") message.bool(2, value);
  else if (Number.isInteger(value)) message.uint(3, BigInt(value));
  else message.double(4, value);
}

/** KeyValue: key 1, value 2. */
function keyValue(message: MessageWriter, key: string, value: SpanAttributeValue): void {
  message.string(1, key).message(2, (nested) => anyValue(nested, value));
}

/**
 * The same ExportTraceServiceRequest as otlp-json.ts, in OTLP's protobuf encoding (content type
 * `application/x-protobuf`), with the field numbers of opentelemetry-proto's trace/v1/trace.proto,
 * common/v1/common.proto and collector/trace/v1/trace_service.proto. Written by hand for the same reason as
 * the JSON: the official serializer weighs about 250 KB in the log-writer's bundle; a test decodes what the
 * official one writes for the same span and compares it field by field.
 */
export function otlpProtobufBody(spans: RequestSpan[]): Uint8Array {
  return new MessageWriter()
    .message(1, (resourceSpans) => {
      // ResourceSpans: resource 1 (Resource: attributes 1), scope_spans 2.
      resourceSpans.message(1, (resource) =>
        resource.message(1, (attribute) => keyValue(attribute, "service.name", SERVICE_NAME)),
      );
      resourceSpans.message(2, (scopeSpans) => {
        // ScopeSpans: scope 1 (InstrumentationScope: name 1), spans 2.
        scopeSpans.message(1, (scope) => scope.string(1, SCOPE.name));
        for (const span of spans) {
          scopeSpans.message(2, (message) => {
            // Span: trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6, start 7, end 8, attributes 9,
            // status 15.
            message.bytes(1, Buffer.from(span.traceId, "hex")).bytes(2, Buffer.from(span.spanId, "hex"));
            if (span.parentSpanId) message.bytes(4, Buffer.from(span.parentSpanId, "hex"));
            message
              .string(5, span.name)
              .uint(6, SPAN_KIND_CLIENT)
              .fixed64(7, span.startTimeUnixNano)
              .fixed64(8, span.endTimeUnixNano);
            for (const [key, value] of span.attributes)
              message.message(9, (attribute) => keyValue(attribute, key, value));
            // Status: message 2, code 3; an unset status is an empty message.
            message.message(15, (status) => {
              if (span.errorMessage) status.string(2, span.errorMessage).uint(3, STATUS_CODE_ERROR);
            });
          });
        }
      });
    })
    .finish();
}
