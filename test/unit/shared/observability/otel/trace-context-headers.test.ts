import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../../shared/core/gateway-error.ts";
import { parseTraceContext } from "../../../../../shared/observability/otel/trace-context-headers.ts";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID = "00f067aa0ba902b7";

function refusal(headers: Record<string, string>): GatewayError {
  try {
    parseTraceContext(new Headers(headers));
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(400);
    return error as GatewayError;
  }
  throw new Error("expected the headers to be refused");
}

describe("parseTraceContext", () => {
  it("returns null when the request names no trace", () => {
    expect(parseTraceContext(new Headers())).toBeNull();
  });

  it("reads the trace id and the parent span id, lower-cased", () => {
    const context = parseTraceContext(
      new Headers({
        "cf-aig-otel-trace-id": TRACE_ID.toUpperCase(),
        "cf-aig-otel-parent-span-id": SPAN_ID.toUpperCase(),
      }),
    );
    expect(context).toEqual({ traceId: TRACE_ID, parentSpanId: SPAN_ID });
  });

  it("takes a trace id without a parent span id: the span is the trace's root", () => {
    expect(parseTraceContext(new Headers({ "cf-aig-otel-trace-id": TRACE_ID }))).toEqual({
      traceId: TRACE_ID,
    });
  });

  it.each([
    ["too short", TRACE_ID.slice(1)],
    ["too long", `${TRACE_ID}0`],
    ["not hex", `${TRACE_ID.slice(1)}g`],
    ["a UUID with dashes", "4bf92f35-77b3-4da6-a3ce-929d0e0e4736"],
    ["all zeros (W3C's invalid trace id)", "0".repeat(32)],
    ["empty", ""],
  ])("refuses a trace id that is %s, naming the header", (_, value) => {
    const error = refusal({ "cf-aig-otel-trace-id": value });
    expect(error.message).toContain("cf-aig-otel-trace-id");
    expect(error.message).toContain("32 hexadecimal characters");
  });

  it.each([
    ["too short", SPAN_ID.slice(1)],
    ["too long", `${SPAN_ID}0`],
    ["not hex", `${SPAN_ID.slice(1)}z`],
    ["all zeros (W3C's invalid parent id)", "0".repeat(16)],
  ])("refuses a parent span id that is %s, naming the header", (_, value) => {
    const error = refusal({ "cf-aig-otel-trace-id": TRACE_ID, "cf-aig-otel-parent-span-id": value });
    expect(error.message).toContain("cf-aig-otel-parent-span-id");
    expect(error.message).toContain("16 hexadecimal characters");
  });

  it("refuses a parent span id without a trace id, which names no trace", () => {
    const error = refusal({ "cf-aig-otel-parent-span-id": SPAN_ID });
    expect(error.message).toContain("cf-aig-otel-trace-id");
  });

  it("never echoes the value it refuses", () => {
    const value = "<script>".repeat(10);
    expect(refusal({ "cf-aig-otel-trace-id": value }).message).not.toContain(value);
  });
});

describe("parseTraceContext with W3C traceparent", () => {
  const traceparent = `00-${TRACE_ID}-${SPAN_ID}-01`;

  it("joins the caller's trace when only traceparent is sent, its parent id as the parent span", () => {
    expect(parseTraceContext(new Headers({ traceparent }))).toEqual({
      traceId: TRACE_ID,
      parentSpanId: SPAN_ID,
    });
  });

  it("joins it whatever its sampled flag: the gateway logs every request, so it exports every span", () => {
    expect(parseTraceContext(new Headers({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-00` }))).toEqual({
      traceId: TRACE_ID,
      parentSpanId: SPAN_ID,
    });
  });

  it("reads a future version's first four fields and ignores what follows, as W3C asks", () => {
    expect(
      parseTraceContext(new Headers({ traceparent: `cc-${TRACE_ID}-${SPAN_ID}-01-what-the-future-adds` })),
    ).toEqual({ traceId: TRACE_ID, parentSpanId: SPAN_ID });
  });

  it("lets the cf-aig-otel-* headers win over traceparent, parent span included", () => {
    const other = "0af7651916cd43dd8448eb211c80319c";
    expect(parseTraceContext(new Headers({ traceparent, "cf-aig-otel-trace-id": other }))).toEqual({
      traceId: other,
    });
  });

  it("refuses a lone cf-aig-otel-parent-span-id even beside a traceparent", () => {
    refusal({ traceparent, "cf-aig-otel-parent-span-id": SPAN_ID });
  });

  it.each([
    ["upper-case hex", `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ["an all-zero trace id", `00-${"0".repeat(32)}-${SPAN_ID}-01`],
    ["an all-zero parent id", `00-${TRACE_ID}-${"0".repeat(16)}-01`],
    ["version ff", `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ["version 00 with more fields", `00-${TRACE_ID}-${SPAN_ID}-01-extra`],
    ["a short trace id", `00-${TRACE_ID.slice(2)}-${SPAN_ID}-01`],
    ["two headers joined", `${traceparent}, 00-${TRACE_ID}-${SPAN_ID}-01`],
    ["garbage", "not a traceparent"],
  ])("ignores a traceparent with %s (W3C: a new trace, not an error)", (_, value) => {
    expect(parseTraceContext(new Headers({ traceparent: value }))).toBeNull();
  });
});
