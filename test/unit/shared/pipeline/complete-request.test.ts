import { describe, expect, it } from "vitest";
import type { RequestRecord, ResponseRecord } from "../../../../shared/core/build-log-event.ts";
import type { ProxyDependencies } from "../../../../shared/core/proxy-dependencies.ts";
import { CACHE_HIT_FIELDS, completeRequest } from "../../../../shared/pipeline/complete-request.ts";
import type { LogEvent } from "../../../../shared/schemas/log-event.ts";
import { recordingLogger } from "../../../support/recording-logger.ts";

const body = new TextEncoder().encode(JSON.stringify({ model: "gpt-4o-mini", messages: [] }));

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
  requestBody: body,
  options: {
    eventId: null,
    metadata: null,
    collectLog: null,
    collectLogPayload: false,
    requestTimeoutMs: null,
  },
};

const response: ResponseRecord = {
  status: 200,
  contentType: "application/json",
  upstreamStartedAt: 1100,
  upstreamHeadersAt: 1200,
  observation: null,
  usage: { tokensIn: 1_000_000, tokensOut: 0, cacheReadTokens: null, cacheWriteTokens: null, model: null },
  error: null,
  endedAt: 1300,
};

/** The event as the observer gets it (it gets every row, kept in the logs or not). */
async function completed(
  row: Omit<Parameters<typeof completeRequest>[1], "request" | "response" | "collect">,
) {
  const events: LogEvent[] = [];
  const deps = {
    logger: recordingLogger(),
    observer: { upstreamStarted: () => null, requestCompleted: (event: LogEvent) => void events.push(event) },
  } as unknown as ProxyDependencies;
  await completeRequest(deps, { request, response, collect: false, ...row });
  expect(events).toHaveLength(1);
  return events[0] as LogEvent;
}

describe("completeRequest (the respond stage's log row)", () => {
  it("keeps the model read from the body on the provider-native surface", async () => {
    const event = await completed({ upstreamSpan: null });
    expect(event.model).toBe("gpt-4o-mini");
  });

  it("shows and prices the model the caller named on the unified surface", async () => {
    const named = await completed({ upstreamSpan: null, namedModel: "gpt-4o" });
    const read = await completed({ upstreamSpan: null });
    expect(named.model).toBe("gpt-4o");
    expect(named.cost).not.toBe(read.cost);
  });

  it("marks a cache hit cached and free, on either surface", async () => {
    for (const namedModel of [undefined, "gpt-4o-mini"]) {
      const event = await completed({ upstreamSpan: null, namedModel, extras: { fields: CACHE_HIT_FIELDS } });
      expect(event.cached).toBe(true);
      expect(event.cost).toBe(0);
    }
  });
});
