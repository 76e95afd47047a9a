import { describe, expect, it } from "vitest";
import { buildLogEvent, type RequestRecord } from "../../../../shared/core/build-log-event.ts";
import { figuresOf } from "../../../../shared/logs/analytics-figures.ts";

const record = (attempt: number, step: number | null): RequestRecord => ({
  id: `row-${attempt}`,
  requestId: "request-1",
  eventId: "event-1",
  accountId: "local",
  gatewayId: "default",
  createdAt: new Date(0),
  startedAt: 0,
  method: "POST",
  path: "/v1/local/default/openai/chat/completions",
  providerSlug: "openai",
  restPath: "chat/completions",
  requestHeaders: new Headers(),
  requestBody: null,
  options: {
    eventId: null,
    metadata: null,
    collectLog: null,
    collectLogPayload: false,
    requestTimeoutMs: null,
  },
  attempt,
  step,
});

const response = (status: number) => ({
  status,
  contentType: "application/json",
  upstreamStartedAt: 0,
  upstreamHeadersAt: 5,
  observation: null,
  usage: { tokensIn: 3, tokensOut: 1, cacheReadTokens: null, cacheWriteTokens: null, model: null },
  error: null,
  endedAt: 10,
});

describe("attempt rows (reference 5.4 counting table)", () => {
  it("logs attempt, step and the shared request_id; only the first attempt is a new request", async () => {
    const first = await buildLogEvent(record(1, null), response(503));
    const retry = await buildLogEvent(record(2, 0), response(200));
    expect([first.attempt, first.step, first.request_id]).toEqual([1, undefined, "request-1"]);
    expect([retry.attempt, retry.step, retry.request_id, retry.id]).toEqual([2, 0, "request-1", "row-2"]);
    const figures = [figuresOf(first), figuresOf(retry)];
    expect(figures.map((f) => f.requests)).toEqual([1, 0]);
    expect(figures.map((f) => f.attempts)).toEqual([1, 1]);
    // Tokens cover every attempt.
    expect(figures.reduce((sum, f) => sum + (f.tokens_in ?? 0), 0)).toBe(6);
  });
});
