import { describe, expect, it } from "vitest";
import {
  buildLogEvent,
  type RequestRecord,
  type ResponseRecord,
} from "../../../../shared/core/build-log-event.ts";
import type { BodyObservation } from "../../../../shared/http/observed-body.ts";
import { logEventSchema } from "../../../../shared/schemas/log-event.ts";

const request: RequestRecord = {
  id: "0190a5c4-0000-7000-8000-000000000001",
  eventId: "0190a5c4-0000-7000-8000-000000000001",
  accountId: "acct",
  gatewayId: "default",
  createdAt: new Date("2026-11-25T16:00:00Z"),
  startedAt: 1000,
  method: "POST",
  path: "/v1/acct/default/openai/chat/completions",
  providerSlug: "openai",
  restPath: "chat/completions",
  requestHeaders: new Headers({ "content-type": "application/json" }),
  requestBody: null,
  options: {
    eventId: null,
    metadata: null,
    collectLog: null,
    collectLogPayload: false,
    requestTimeoutMs: null,
  },
};

const observation = (providerWait: number, endedAt: number): BodyObservation => ({
  firstChunkAt: 1300,
  endedAt,
  bytes: 10,
  captured: [],
  capturedAll: true,
  clientAborted: false,
  upstreamError: undefined,
  providerWait,
});

const response = (fields: Partial<ResponseRecord>): ResponseRecord => ({
  status: 200,
  contentType: "text/event-stream",
  upstreamStartedAt: null,
  upstreamHeadersAt: null,
  observation: null,
  usage: null,
  error: null,
  endedAt: 2000,
  ...fields,
});

describe("buildLogEvent: gateway overhead", () => {
  it("is the duration minus the wait for the head and for each chunk", async () => {
    // Arrival at 1000, request sent at 1010, head at 1200 (190 ms), body waits 780 ms, end at 2000.
    const event = await buildLogEvent(
      request,
      response({ upstreamStartedAt: 1010, upstreamHeadersAt: 1200, observation: observation(780, 2000) }),
    );
    expect(event).toMatchObject({
      duration: 1000,
      time_to_first_byte: 200,
      provider_wait: 970,
      gateway_overhead: 30,
    });
    expect(logEventSchema.parse(event)).toEqual(event);
  });

  it("is the whole duration when no provider was called (a refused request)", async () => {
    const event = await buildLogEvent(request, response({ status: 413, endedAt: 1004 }));
    expect(event).toMatchObject({ duration: 4, provider_wait: 0, gateway_overhead: 4 });
  });

  it("counts the wait for a provider that failed before answering", async () => {
    const event = await buildLogEvent(
      request,
      response({ status: 504, upstreamStartedAt: 1005, endedAt: 1905 }),
    );
    expect(event).toMatchObject({ duration: 905, provider_wait: 900, gateway_overhead: 5 });
  });

  it("never goes below zero", async () => {
    const event = await buildLogEvent(
      request,
      response({ upstreamStartedAt: 1000, upstreamHeadersAt: 1500, observation: observation(600, 2000) }),
    );
    expect(event.gateway_overhead).toBe(0);
  });

  it("leaves old events without the new fields valid", () => {
    const {
      provider_wait: _a,
      gateway_overhead: _b,
      cost: _c,
      ...old
    } = logEventSchema.parse({
      ...sampleEvent(),
    });
    expect(logEventSchema.safeParse(old).success).toBe(true);
  });
});

function sampleEvent() {
  return {
    id: "x",
    account_id: "a",
    gateway_id: "g",
    created_at: "2026-11-25T16:00:00.000Z",
    provider: null,
    model: null,
    path: "/",
    method: "GET",
    status_code: 200,
    success: true,
    cached: false,
    duration: 1,
    time_to_first_byte: null,
    provider_wait: 1,
    gateway_overhead: 0,
    cost: null,
    tokens_in: null,
    tokens_out: null,
    cache_read_tokens: null,
    cache_write_tokens: null,
    metadata: null,
    event_id: "x",
    request_id: "x",
    request_content_type: null,
    response_content_type: null,
    request_size: 0,
    response_size: 0,
    user_agent: null,
    client_aborted: false,
    error: null,
    request_body: null,
    response_body: null,
  };
}

describe("buildLogEvent: trace context", () => {
  it("carries the request's trace context as otel_trace_id and otel_parent_span_id", async () => {
    const traced = {
      ...request,
      options: {
        ...request.options,
        traceContext: { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", parentSpanId: "00f067aa0ba902b7" },
      },
    };
    const event = await buildLogEvent(traced, response({}));
    expect(event).toMatchObject({
      otel_trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
      otel_parent_span_id: "00f067aa0ba902b7",
    });
    expect(logEventSchema.parse(event)).toEqual(event);
  });

  it("leaves the trace fields out when the request named no trace", async () => {
    const event = await buildLogEvent(request, response({}));
    expect(event).not.toHaveProperty("otel_trace_id");
    expect(event).not.toHaveProperty("otel_parent_span_id");
  });
});
