import { describe, expect, it } from "vitest";
import { requestSpanOf } from "../../../../../shared/observability/otel/request-span.ts";
import { logEvent } from "../../../../integration/logs/log-fixtures.ts";

describe("requestSpanOf", () => {
  it("derives the trace id from the UUIDv7 log id and the span id from its random half, so a redelivery gives the same span", () => {
    const first = logEvent();
    const event = { ...first, request_id: first.id };
    const span = requestSpanOf(event);
    expect(span.traceId).toBe(event.id.replaceAll("-", ""));
    expect(span.spanId).toBe(span.traceId.slice(16));
    expect(span).not.toHaveProperty("parentSpanId");
    expect(requestSpanOf(event)).toEqual(span);
  });

  it("puts every row of one request (retries, fallbacks, universal steps) in the trace of its request_id, each its own span", () => {
    const request = logEvent();
    const retried = logEvent({ request_id: request.id, attempt: 1 });
    const answered = { ...request, request_id: request.id, attempt: 2 };
    const [first, last] = [requestSpanOf(retried), requestSpanOf(answered)];
    expect(first.traceId).toBe(request.id.replaceAll("-", ""));
    expect(last.traceId).toBe(first.traceId);
    expect(first.spanId).toBe(retried.id.replaceAll("-", "").slice(16));
    expect(last.spanId).not.toBe(first.spanId);
  });

  it("joins the trace the request named, under the parent span it named", () => {
    const span = requestSpanOf(
      logEvent({
        otel_trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
        otel_parent_span_id: "00f067aa0ba902b7",
      }),
    );
    expect(span.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(span.parentSpanId).toBe("00f067aa0ba902b7");
  });

  it("joins a named trace as a root span when no parent span was named", () => {
    const event = logEvent({ otel_trace_id: "4bf92f3577b34da6a3ce929d0e0e4736" });
    const span = requestSpanOf(event);
    expect(span.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(span.spanId).toBe(event.id.replaceAll("-", "").slice(16));
    expect(span).not.toHaveProperty("parentSpanId");
  });

  it("hashes an older ULID log id into valid ids", () => {
    const span = requestSpanOf(logEvent({ id: "01JBZ3N6M4Q7W8E9R0T1Y2U3I4" }));
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it("starts when the request arrived and lasts its duration, in nanoseconds", () => {
    const at = Date.UTC(2026, 11, 6, 5, 0, 0, 250);
    const span = requestSpanOf(logEvent({ duration: 12.5 }, at));
    expect(span.startTimeUnixNano).toBe(BigInt(at) * 1_000_000n);
    expect(span.endTimeUnixNano - span.startTimeUnixNano).toBe(12_500_000n);
  });

  it("names the operation and model from the endpoint, per the GenAI conventions", () => {
    expect(requestSpanOf(logEvent({ path: "/v1/a/g/openai/chat/completions" })).name).toBe(
      "chat gpt-4o-mini",
    );
    expect(requestSpanOf(logEvent({ path: "/v1/a/g/anthropic/v1/messages", model: "claude" })).name).toBe(
      "chat claude",
    );
    expect(requestSpanOf(logEvent({ path: "/v1/a/g/openai/embeddings", model: "e" })).name).toBe(
      "embeddings e",
    );
    expect(requestSpanOf(logEvent({ path: "/v1/a/g/openai/models", model: null })).name).toBe("POST openai");
  });

  it("leaves out attributes the log has no value for and metadata keys that pass for conventions", () => {
    const span = requestSpanOf(
      logEvent({ tokens_in: null, cost: null, metadata: { "gen_ai.system": "spoofed", team: "t" } }),
    );
    const attributes = Object.fromEntries(span.attributes);
    expect(attributes).not.toHaveProperty("gen_ai.usage.input_tokens");
    expect(attributes).not.toHaveProperty("gen_ai.usage.cost");
    expect(attributes["gen_ai.system"]).toBe("openai");
    expect(attributes.team).toBe("t");
  });

  it("marks a failed request as an error with the gateway's message, or the provider's status", () => {
    expect(
      requestSpanOf(
        logEvent({ success: false, status_code: 504, error: { code: 2005, message: "timed out" } }),
      ).errorMessage,
    ).toBe("timed out");
    expect(requestSpanOf(logEvent({ success: false, status_code: 429 })).errorMessage).toBe(
      "openai answered 429",
    );
    expect(requestSpanOf(logEvent())).not.toHaveProperty("errorMessage");
  });
});
