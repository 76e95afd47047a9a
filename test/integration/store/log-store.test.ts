import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packLogBodies } from "../../../shared/core/log-bodies.ts";
import type { LogQuery } from "../../../shared/logs/log-query.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import { LogStore } from "../../../shared/store/log-store.ts";
import { type EmulatorName, type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";

function logEvent(overrides: Partial<LogEvent> = {}): LogEvent {
  return {
    id: uuidv7(),
    account_id: "acct",
    gateway_id: "gw",
    created_at: new Date().toISOString(),
    provider: "openai",
    model: "gpt-4o-mini",
    path: "/v1/acct/gw/openai/chat/completions",
    method: "POST",
    status_code: 200,
    success: true,
    cached: false,
    duration: 12.5,
    time_to_first_byte: 4.25,
    tokens_in: 12,
    tokens_out: 5,
    cache_read_tokens: null,
    cache_write_tokens: null,
    metadata: { user: "u-1", n: 2, beta: true },
    event_id: "evt",
    request_id: "req",
    request_content_type: "application/json",
    response_content_type: "application/json",
    request_size: 10,
    response_size: 20,
    user_agent: "test",
    client_aborted: false,
    error: null,
    request_body: null,
    response_body: null,
    ...overrides,
  };
}

const byTime = (direction: "asc" | "desc"): LogQuery => ({ filters: [], orderBy: "created_at", direction });

describe.each<EmulatorName>(["dynamodb-local", "dynalite"])("LogStore on %s", (emulator) => {
  let dynamo: RunningDynamo;
  let store: LogStore;

  beforeAll(async () => {
    dynamo = await startDynamo(emulator);
    store = new LogStore(dynamo.documentClient, await dynamo.createTable("logs"));
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  it("stores a log and reads every field back, without the account id", async () => {
    const event = logEvent();
    await store.put(event);
    const { account_id, request_body, response_body, ...fields } = event;
    expect(await store.get("acct", "gw", event.id)).toEqual({
      ...fields,
      request_head_complete: null,
      response_head_complete: null,
    });
  });

  it("stores a message delivered twice once", async () => {
    const event = logEvent({ gateway_id: "twice" });
    await store.put(event);
    await store.put(event);
    expect((await store.list("acct", "twice", byTime("desc"), { page: 1, perPage: 10 })).totalCount).toBe(1);
  });

  it("keeps bodies compressed and returns them as text", async () => {
    const request = Buffer.from(
      JSON.stringify({ model: "m", messages: [{ role: "user", content: "hello" }] }),
    );
    const response = Buffer.from("data: {}\n\ndata: [DONE]\n\n");
    const bodies = await packLogBodies(request, response, true);
    const event = logEvent({ request_body: bodies.request, response_body: bodies.response });
    await store.put(event);
    expect(await store.getBody("acct", "gw", event.id, "request")).toBe(request.toString());
    expect(await store.getBody("acct", "gw", event.id, "response")).toBe(response.toString());
    expect(await store.get("acct", "gw", event.id)).toMatchObject({
      request_head_complete: true,
      response_head_complete: true,
    });
  });

  it("stores the head of bodies that do not fit an item, marked incomplete", async () => {
    // Random bytes do not compress: 2 MB of them cannot fit the 300 KB budget.
    const { randomBytes } = await import("node:crypto");
    const big = Buffer.from(randomBytes(1024 * 1024).toString("hex"));
    const bodies = await packLogBodies(big, Buffer.from("ok"), true);
    const event = logEvent({
      request_body: bodies.request,
      response_body: bodies.response,
      request_size: big.byteLength,
    });
    await store.put(event);
    const stored = await store.getBody("acct", "gw", event.id, "request");
    expect(stored?.length).toBeGreaterThan(0);
    expect(stored?.length).toBeLessThan(big.byteLength);
    expect(big.toString().startsWith(stored ?? "x")).toBe(true);
    expect(await store.get("acct", "gw", event.id)).toMatchObject({
      request_size: big.byteLength,
      request_head_complete: false,
      response_head_complete: true,
    });
  });

  it("lists a gateway's logs newest first, a page at a time, with the total", async () => {
    const ids: string[] = [];
    for (let index = 0; index < 7; index += 1) {
      const event = logEvent({ gateway_id: "paged" });
      ids.push(event.id);
      await store.put(event);
    }
    const newestFirst = [...ids].reverse();
    const first = await store.list("acct", "paged", byTime("desc"), { page: 1, perPage: 3 });
    const third = await store.list("acct", "paged", byTime("desc"), { page: 3, perPage: 3 });
    const oldest = await store.list("acct", "paged", byTime("asc"), { page: 1, perPage: 2 });
    expect(first.records.map((record) => record.id)).toEqual(newestFirst.slice(0, 3));
    expect(third.records.map((record) => record.id)).toEqual(newestFirst.slice(6));
    expect(oldest.records.map((record) => record.id)).toEqual(ids.slice(0, 2));
    expect(first.totalCount).toBe(7);
    expect(first.records[0]).not.toHaveProperty("request_body");
  });

  it("lists the logs after a start time with no end (a time range open at the top)", async () => {
    const event = logEvent({ gateway_id: "open-range" });
    await store.put(event);
    const since: LogQuery = {
      ...byTime("desc"),
      filters: [{ key: "created_at", operator: "gt", value: [Date.parse(event.created_at) - 60_000] }],
    };
    const listed = await store.list("acct", "open-range", since, { page: 1, perPage: 10 });
    expect(listed.records.map((record) => record.id)).toEqual([event.id]);
  });

  it("returns undefined for an unknown log", async () => {
    expect(await store.get("acct", "gw", uuidv7())).toBeUndefined();
    expect(await store.getBody("acct", "gw", uuidv7(), "request")).toBeUndefined();
  });
});
