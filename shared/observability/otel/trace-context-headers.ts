import { GatewayError } from "../../core/gateway-error.ts";

export const TRACE_ID_HEADER = "cf-aig-otel-trace-id";
export const PARENT_SPAN_ID_HEADER = "cf-aig-otel-parent-span-id";

/** The trace a request's spans join (docs/observability.md), read from its headers at admission. */
export interface TraceContext {
  /** 32 lower-case hex characters, not all zero. */
  traceId: string;
  /** 16 lower-case hex characters, not all zero; absent: the gateway's span has no parent in the trace. */
  parentSpanId?: string;
}

/** Cloudflare's headers take either case; the ids are stored and exported lower-cased, as OTLP JSON writes them. */
const TRACE_ID = /^[0-9a-f]{32}$/i;
const SPAN_ID = /^[0-9a-f]{16}$/i;
const ALL_ZEROS = /^0+$/;

/**
 * W3C Trace Context's `traceparent` (https://www.w3.org/TR/trace-context/#traceparent-header):
 * version-traceid-parentid-flags in lower-case hex. Version ff is invalid; version 00 has exactly these four
 * fields; a later version may add fields after a dash, which a reader of version 00 ignores.
 */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(-.*)?$/;

function refuse(header: string, expected: string): GatewayError {
  // The value is not echoed: it is the caller's own, and a refusal need only say what was expected.
  return GatewayError.badRequest(`Invalid ${header} header: expected ${expected}`);
}

function isId(value: string, pattern: RegExp): boolean {
  return pattern.test(value) && !ALL_ZEROS.test(value);
}

/**
 * The request's trace context, or null when it names none (its spans then start a trace of their own).
 *
 * Cloudflare's `cf-aig-otel-trace-id` (32 hex) and `cf-aig-otel-parent-span-id` (16 hex) come first
 * (reference 8.7). A malformed one is refused with 400, as every other `cf-aig-*` header the gateway reads
 * is: the caller asked for something by name and would otherwise lose the trace without a word. All-zero
 * ids are malformed (W3C forbids them), and so is a parent span id without a trace id: a span id names a
 * span only within its trace.
 *
 * Without them, a W3C `traceparent` is read, which OpenTelemetry's HTTP instrumentations add to every
 * outgoing call, so an instrumented application's trace holds the gateway's span with no code of its own.
 * It is the client library's header rather than the caller's request, so W3C's rule applies: one that
 * does not parse is ignored (a new trace), not refused. Its sampled flag is not consulted: the gateway logs
 * every request, and exports the span of every request it logs.
 */
export function parseTraceContext(headers: Headers): TraceContext | null {
  const traceId = headers.get(TRACE_ID_HEADER);
  const parentSpanId = headers.get(PARENT_SPAN_ID_HEADER);
  if (traceId === null) {
    if (parentSpanId !== null)
      throw GatewayError.badRequest(
        `Invalid ${PARENT_SPAN_ID_HEADER} header: it needs ${TRACE_ID_HEADER} beside it (a parent span is named within its trace)`,
      );
    return parseTraceparent(headers.get("traceparent"));
  }
  if (!isId(traceId, TRACE_ID)) throw refuse(TRACE_ID_HEADER, "32 hexadecimal characters, not all zero");
  if (parentSpanId !== null && !isId(parentSpanId, SPAN_ID))
    throw refuse(PARENT_SPAN_ID_HEADER, "16 hexadecimal characters, not all zero");
  return {
    traceId: traceId.toLowerCase(),
    ...(parentSpanId === null ? {} : { parentSpanId: parentSpanId.toLowerCase() }),
  };
}

function parseTraceparent(value: string | null): TraceContext | null {
  const match = value === null ? null : TRACEPARENT.exec(value);
  if (!match) return null;
  const [, version, traceId = "", parentSpanId = "", rest] = match;
  if (version === "ff" || (version === "00" && rest !== undefined)) return null;
  if (ALL_ZEROS.test(traceId) || ALL_ZEROS.test(parentSpanId)) return null;
  return { traceId, parentSpanId };
}
