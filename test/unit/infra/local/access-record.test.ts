import { describe, expect, it } from "vitest";
import { accessLogLine } from "../../../../infra/local/access-log.ts";
import { type AccessRecord, accessRecord, type FrontFacts } from "../../../../infra/local/access-record.ts";
import type { LogEvent } from "../../../../shared/schemas/log-event.ts";

const front: FrontFacts = {
  arrivedAt: Date.parse("2026-12-06T03:02:16.253Z"),
  startedAt: 1000,
  finishedAt: 1167.24,
  method: "POST",
  path: "/v1/local/default/openai/chat/completions",
  target: "proxy",
  status: 200,
  cacheStatus: "MISS",
};

function event(fields: Partial<LogEvent>): LogEvent {
  return {
    id: "log-1",
    account_id: "local",
    gateway_id: "default",
    created_at: "2026-12-06T03:02:16.253Z",
    provider: "openai",
    model: "gpt-4o-mini",
    path: front.path,
    method: "POST",
    status_code: 200,
    success: true,
    cached: false,
    duration: 160,
    time_to_first_byte: 20,
    provider_wait: 9.06,
    gateway_overhead: 150,
    cost: 0.0000048,
    tokens_in: 12,
    tokens_out: 5,
    cache_read_tokens: null,
    cache_write_tokens: null,
    metadata: null,
    event_id: "log-1",
    request_id: "log-1",
    request_content_type: "application/json",
    response_content_type: "application/json",
    request_size: 10,
    response_size: 20,
    user_agent: null,
    client_aborted: false,
    error: null,
    request_body: null,
    response_body: null,
    ...fields,
  };
}

describe("accessRecord", () => {
  it("takes the provider, model, tokens and log id from the request's log event, and the times from the front", () => {
    expect(accessRecord(front, [event({})])).toEqual({
      time: "2026-12-06T03:02:16.253Z",
      method: "POST",
      path: front.path,
      surface: "provider",
      gateway: "default",
      provider: "openai",
      model: "gpt-4o-mini",
      status: 200,
      cache: "MISS",
      tokens_in: 12,
      tokens_out: 5,
      cost: 0.0000048,
      total_ms: 167.2,
      provider_ms: 9.1,
      log_id: "log-1",
      attempts: 1,
    });
  });

  it("after retries: the answering attempt's tokens, every attempt's cost and provider time, the request's id", () => {
    const record = accessRecord(front, [
      event({
        id: "log-1",
        request_id: "log-1",
        cost: null,
        tokens_in: null,
        tokens_out: null,
        provider_wait: 30,
      }),
      event({
        id: "log-2",
        request_id: "log-1",
        cost: 0.002,
        tokens_in: 7,
        tokens_out: 3,
        provider_wait: 10,
      }),
    ]);
    expect(record).toMatchObject({
      tokens_in: 7,
      tokens_out: 3,
      cost: 0.002,
      provider_ms: 40,
      log_id: "log-1",
      attempts: 2,
    });
  });

  it("names the surface from the path and the route's target", () => {
    const surface = (path: string, target: FrontFacts["target"]) =>
      accessRecord({ ...front, path, target }, []).surface;
    expect(surface("/v1/local/default/compat/chat/completions", "proxy")).toBe("unified");
    expect(surface("/client/v4/accounts/local/ai/v1/messages", "proxy")).toBe("unified");
    expect(surface("/v1/local/default", "proxy")).toBe("universal");
    expect(surface("/client/v4/accounts/local/ai-gateway/gateways", "api")).toBe("management");
    expect(surface("/nothing", null)).toBe("none");
  });

  it("has no log id, tokens or provider time for a request that made no log event", () => {
    expect(accessRecord({ ...front, status: 401, cacheStatus: null }, [])).toMatchObject({
      gateway: null,
      provider: null,
      tokens_in: null,
      cost: null,
      provider_ms: null,
      log_id: null,
      attempts: 1,
    });
  });
});

describe("accessLogLine", () => {
  const record: AccessRecord = accessRecord(front, [event({})]);

  it("writes JSON lines as the record itself", () => {
    expect(JSON.parse(accessLogLine(record, "json"))).toEqual(record);
  });

  it("writes a readable line, coloured only when asked", () => {
    const line = accessLogLine(record, "pretty");
    expect(line).toMatch(
      /^\d\d:\d\d:\d\d\.253 POST 200 provider default openai\/gpt-4o-mini MISS 12→5 tok \$0\.0000048 167ms \(provider 9ms\) log-1$/,
    );
    expect(line).not.toContain("\x1b[");
    expect(accessLogLine({ ...record, status: 502 }, "pretty", true)).toContain("\x1b[31m502\x1b[0m");
  });

  it("writes a management call as its method, status, path and time", () => {
    const management = accessRecord(
      {
        ...front,
        method: "GET",
        path: "/client/v4/accounts/local/ai-gateway/gateways",
        target: "api",
        cacheStatus: null,
      },
      [],
    );
    expect(accessLogLine(management, "pretty")).toMatch(
      /^\S+ GET 200 management \/client\/v4\/accounts\/local\/ai-gateway\/gateways 167ms$/,
    );
  });
});
