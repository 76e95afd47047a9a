import { createHash } from "node:crypto";
import type { LogEvent } from "../../schemas/log-event.ts";

export type SpanAttributeValue = string | number | boolean;

/** One request as an OpenTelemetry span, before it is encoded (otlp-json.ts, otlp-protobuf.ts). */
export interface RequestSpan {
  /** 32 lower-case hex characters. */
  traceId: string;
  /** 16 lower-case hex characters. */
  spanId: string;
  /** The span the request named as its parent (16 lower-case hex); absent: a root span. */
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Array<[string, SpanAttributeValue]>;
  /** Set when the request failed: the span's status is ERROR with this message. */
  errorMessage?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 128 bits of an id: a UUIDv7 is them already (dashes removed); anything else (older ULID ids) is hashed. */
function hex128(id: string): string {
  return UUID.test(id)
    ? id.replaceAll("-", "").toLowerCase()
    : createHash("sha256").update(id).digest("hex").slice(0, 32);
}

/**
 * The span's ids, derived from the log's own so that a log delivered again gives the same span (a collector
 * that dedupes sees one). The trace is the one the request named (`cf-aig-otel-trace-id`, or `traceparent`),
 * under the parent span it named; otherwise its `request_id`, which every row of one request shares (its
 * retries, a dynamic route's models, the universal endpoint's steps), so they are one trace. A UUIDv7 is
 * itself 128 bits: outside the universal endpoint the request id is the answer's `cf-aig-log-id`, so the
 * trace is found by that header with the dashes removed. The span id is the last 64 bits (random) of the
 * row's own id.
 */
function idsOf(event: LogEvent): Pick<RequestSpan, "traceId" | "spanId" | "parentSpanId"> {
  return {
    traceId: event.otel_trace_id ?? hex128(event.request_id),
    spanId: hex128(event.id).slice(16, 32),
    ...(event.otel_parent_span_id ? { parentSpanId: event.otel_parent_span_id } : {}),
  };
}

/**
 * GenAI semantic conventions' operation names
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/), from the endpoint the client called.
 */
function operationOf(path: string): string | undefined {
  if (/embed/i.test(path)) return "embeddings";
  if (
    /(chat\/completions|\/messages|\/responses|converse|generateContent|\/chat)(\/|$|\?|-stream)/i.test(path)
  )
    return "chat";
  if (/\/completions$/.test(path)) return "text_completion";
  return undefined;
}

const MS_IN_NS = 1_000_000n;

/**
 * A request's span, with the GenAI semantic conventions Cloudflare's export uses (reference 8.7):
 * `gen_ai.system`, `gen_ai.provider.name` and `gen_ai.model.provider` (the provider), `gen_ai.request.model`,
 * `gen_ai.usage.input_tokens` / `output_tokens`, `gen_ai.usage.cost`; the HTTP status and method; the
 * gateway's own ids under `ai_gateway.*`; and every `cf-aig-metadata` key except `gen_ai.*` ones (which
 * would pass for conventions). It starts when the request arrived and lasts its `duration`. Bodies
 * (Cloudflare's `gen_ai.prompt_json` / `completion_json`) are not sent: they stay in the log store.
 */
export function requestSpanOf(event: LogEvent): RequestSpan {
  const start = BigInt(Date.parse(event.created_at)) * MS_IN_NS;
  const end = start + BigInt(Math.max(0, Math.round(event.duration * 1000))) * 1000n;
  const operation = operationOf(event.path);
  const attributes: Array<[string, SpanAttributeValue | null | undefined]> = [
    ["gen_ai.operation.name", operation],
    ["gen_ai.system", event.provider],
    ["gen_ai.provider.name", event.provider],
    ["gen_ai.model.provider", event.provider],
    ["gen_ai.request.model", event.model],
    ["gen_ai.usage.input_tokens", event.tokens_in],
    ["gen_ai.usage.output_tokens", event.tokens_out],
    ["gen_ai.usage.cost", event.cost],
    ["http.request.method", event.method],
    ["http.response.status_code", event.status_code],
    ["ai_gateway.gateway_id", event.gateway_id],
    ["ai_gateway.log_id", event.id],
    ["ai_gateway.event_id", event.event_id],
    ["ai_gateway.cached", event.cached],
    ["ai_gateway.time_to_first_byte_ms", event.time_to_first_byte],
    ...Object.entries(event.metadata ?? {}).filter(([key]) => !key.startsWith("gen_ai.")),
  ];
  const errorMessage = event.success
    ? undefined
    : (event.error?.message ?? `${event.provider ?? "upstream"} answered ${event.status_code}`);
  return {
    ...idsOf(event),
    name:
      operation && event.model
        ? `${operation} ${event.model}`
        : `${event.method} ${event.provider ?? "gateway"}`,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: attributes.filter((entry): entry is [string, SpanAttributeValue] => entry[1] != null),
    ...(errorMessage ? { errorMessage } : {}),
  };
}
