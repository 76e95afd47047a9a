import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeLogBatch } from "../../../shared/logs/write-log-batch.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { logEvent, message, writerDependencies } from "./log-fixtures.ts";
import { type ManagementClient, managementOver } from "./management-fixture.ts";

type Row = Record<string, unknown> & { id: string };

const DAY_START = Date.parse("2026-11-24T00:00:00.000Z");
const COUNT = 130;
const PROVIDERS = ["openai", "anthropic", "groq"] as const;
const MODELS: Record<string, string[]> = {
  openai: ["gpt-4o", "gpt-4o-mini"],
  anthropic: ["claude-sonnet-4", "claude-haiku-4"],
  groq: ["llama-3.3-70b"],
};

/** 130 logs over a day, varied in every field a filter or an order looks at. `cost` arrives later in the event. */
function generated(index: number): LogEvent {
  const provider = PROVIDERS[index % 3] ?? "openai";
  const models = MODELS[provider] ?? [];
  const success = index % 7 !== 0;
  const event = logEvent(
    {
      gateway_id: "default",
      provider,
      model: models[index % models.length] ?? null,
      success,
      status_code: success ? 200 : index % 2 ? 500 : 429,
      cached: index % 5 === 0,
      tokens_in: index % 6 === 0 ? null : 10 + index,
      tokens_out: index % 6 === 0 ? null : 150 - (index % 50),
      duration: ((index * 37) % 1000) + 0.5,
      metadata: index % 3 === 2 ? null : { user: `u${index % 4}`, team: index % 2 ? "a" : "b" },
    },
    DAY_START + index * 11 * 60_000,
  );
  const cost = index % 4 === 0 ? null : Math.round(index * 1000) / 1e6;
  return { ...event, event_id: `evt-${index}`, cost } as LogEvent;
}

let dynamo: RunningDynamo;
let api: ManagementClient;
const events = Array.from({ length: COUNT }, (_, index) => generated(index));
const rows = (): Row[] =>
  events.map(({ account_id, request_body, response_body, ...fields }) => ({ ...fields }));

/** Every page of a listing, 50 at a time, concatenated; checks count and total on the way. */
async function listAll(query: string): Promise<{ ids: string[]; total: number }> {
  const ids: string[] = [];
  let total = -1;
  for (let page = 1; page <= 10; page += 1) {
    const separator = query ? "&" : "";
    const { status, body } = await api.call<Row[]>(
      "GET",
      `/gateways/default/logs?per_page=50&page=${page}${separator}${query}`,
    );
    expect(status, JSON.stringify(body.errors)).toBe(200);
    total = body.result_info?.total_count ?? -1;
    expect(body.result_info?.count).toBe(body.result.length);
    if (body.result.length === 0) break;
    ids.push(...body.result.map((row) => row.id));
  }
  return { ids, total };
}

const filters = (...list: unknown[]) => `filters=${encodeURIComponent(JSON.stringify(list))}`;

const newestFirst = (list: Row[]) =>
  list
    .map((row) => row.id)
    .sort()
    .reverse();

beforeAll(async () => {
  dynamo = await startDynamo("dynamodb-local");
  const table = await dynamo.createTable("logs");
  api = await managementOver(dynamo, table);
  const failed = await writeLogBatch(
    events.map((event) => message(event)),
    writerDependencies(dynamo.documentClient, table),
  );
  expect(failed).toEqual([]);
  // Feedback on some logs, through the API, for the feedback filter and order.
  for (const index of [3, 9, 27, 81]) {
    const event = events[index];
    if (!event) continue;
    const feedback = index === 9 ? -1 : 1;
    const patched = await api.call("PATCH", `/gateways/default/logs/${event.id}`, { feedback });
    expect(patched.status).toBe(200);
    Object.assign(event, { feedback });
  }
});

afterAll(async () => {
  await api.stop();
  await dynamo.stop();
});

describe("GET /gateways/{id}/logs on DynamoDB Local, 130 logs over 3 pages", () => {
  it("lists every log newest first by default, across pages, with the total", async () => {
    const { ids, total } = await listAll("");
    expect(total).toBe(COUNT);
    expect(ids).toEqual(newestFirst(rows()));
  });

  const cases: [string, string, (row: Row) => boolean][] = [
    [
      "provider eq (any of two)",
      filters({ key: "provider", operator: "eq", value: ["openai", "groq"] }),
      (r) => r.provider !== "anthropic",
    ],
    [
      "provider neq",
      filters({ key: "provider", operator: "neq", value: ["openai"] }),
      (r) => r.provider !== "openai",
    ],
    [
      "model contains",
      filters({ key: "model", operator: "contains", value: ["mini"] }),
      (r) => String(r.model).includes("mini"),
    ],
    [
      "success eq false",
      filters({ key: "success", operator: "eq", value: [false] }),
      (r) => r.success === false,
    ],
    ["cached eq true", filters({ key: "cached", operator: "eq", value: [true] }), (r) => r.cached === true],
    [
      "status_code eq 429",
      filters({ key: "status_code", operator: "eq", value: [429] }),
      (r) => r.status_code === 429,
    ],
    [
      "cost gt",
      filters({ key: "cost", operator: "gt", value: [0.05] }),
      (r) => typeof r.cost === "number" && r.cost > 0.05,
    ],
    [
      "cost lt",
      filters({ key: "cost", operator: "lt", value: [0.01] }),
      (r) => typeof r.cost === "number" && r.cost < 0.01,
    ],
    [
      "tokens_in gt",
      filters({ key: "tokens_in", operator: "gt", value: [100] }),
      (r) => Number(r.tokens_in ?? -1) > 100,
    ],
    [
      "tokens_out lt",
      filters({ key: "tokens_out", operator: "lt", value: [110] }),
      (r) => r.tokens_out !== null && Number(r.tokens_out) < 110,
    ],
    [
      "tokens (in + out) gt",
      filters({ key: "tokens", operator: "gt", value: [230] }),
      (r) => r.tokens_in !== null && Number(r.tokens_in) + Number(r.tokens_out) > 230,
    ],
    [
      "duration lt",
      filters({ key: "duration", operator: "lt", value: [300] }),
      (r) => Number(r.duration) < 300,
    ],
    ["feedback eq 1", filters({ key: "feedback", operator: "eq", value: [1] }), (r) => r.feedback === 1],
    [
      "event_id eq",
      filters({ key: "event_id", operator: "eq", value: ["evt-42"] }),
      (r) => r.event_id === "evt-42",
    ],
    [
      "id eq",
      filters({ key: "id", operator: "eq", value: [events[17]?.id] }),
      (r) => r.id === events[17]?.id,
    ],
    [
      "metadata.key eq",
      filters({ key: "metadata.key", operator: "eq", value: ["team"] }),
      (r) => r.metadata !== null,
    ],
    [
      "metadata.value eq",
      filters({ key: "metadata.value", operator: "eq", value: ["u1"] }),
      (r) => (r.metadata as Record<string, unknown> | null)?.user === "u1",
    ],
    [
      "created_at between (a sort-key range)",
      filters(
        { key: "created_at", operator: "gt", value: ["2026-11-24T06:00:00Z"] },
        { key: "created_at", operator: "lt", value: ["2026-11-24T12:00:00Z"] },
      ),
      (r) =>
        String(r.created_at) > "2026-11-24T06:00:00.000Z" &&
        String(r.created_at) < "2026-11-24T12:00:00.000Z",
    ],
    [
      "two filters together (AND)",
      filters(
        { key: "provider", operator: "eq", value: ["anthropic"] },
        { key: "success", operator: "eq", value: [true] },
      ),
      (r) => r.provider === "anthropic" && r.success === true,
    ],
    [
      "search (model, provider, path, id, event_id)",
      "search=haiku",
      (r) => String(r.model).includes("haiku"),
    ],
    ["search by event id", "search=evt-10", (r) => String(r.event_id).startsWith("evt-10")],
    [
      "deprecated provider + success",
      "provider=groq&success=false",
      (r) => r.provider === "groq" && r.success === false,
    ],
    [
      "deprecated min/max_duration (inclusive)",
      `min_duration=${events[5]?.duration}&max_duration=600.5`,
      (r) => Number(r.duration) >= Number(events[5]?.duration) && Number(r.duration) <= 600.5,
    ],
    [
      "deprecated start_date/end_date",
      "start_date=2026-11-24T20:00:00Z&end_date=2026-11-24T22:00:00Z",
      (r) =>
        String(r.created_at) >= "2026-11-24T20:00:00.000Z" &&
        String(r.created_at) <= "2026-11-24T22:00:00.000Z",
    ],
  ];

  it.each(cases)("filters: %s", async (_name, query, predicate) => {
    const expected = newestFirst(rows().filter(predicate));
    expect(expected.length).toBeGreaterThan(0);
    const { ids, total } = await listAll(query);
    expect(ids).toEqual(expected);
    expect(total).toBe(expected.length);
  });

  it("accepts the cloudflare SDK's filters wire form (filters.key=...&filters.value=...)", async () => {
    const query =
      "filters.key=provider&filters.operator=eq&filters.value=anthropic&filters.value=groq&filters.key=cached&filters.operator=eq&filters.value=true";
    const expected = newestFirst(rows().filter((r) => r.provider !== "openai" && r.cached === true));
    expect((await listAll(query)).ids).toEqual(expected);
  });

  const orders = [
    "created_at",
    "provider",
    "model",
    "success",
    "cached",
    "cost",
    "tokens_in",
    "tokens_out",
    "duration",
    "feedback",
  ];
  it.each(orders.flatMap((key) => [[key, "asc"] as const, [key, "desc"] as const]))(
    "orders by %s %s, consistently across pages (ties by id, nulls lowest)",
    async (key, direction) => {
      const value = (row: Row) => {
        const field = key === "created_at" ? row.id : row[key];
        if (typeof field === "boolean") return field ? 1 : 0;
        return field === undefined ? null : (field as string | number | null);
      };
      const sorted = rows().sort((a, b) => {
        const [x, y] = [value(a), value(b)];
        let order = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
        if (order === 0) order = a.id < b.id ? -1 : 1;
        return direction === "asc" ? order : -order;
      });
      const { ids } = await listAll(`order_by=${key}&order_by_direction=${direction}`);
      expect(ids).toEqual(sorted.map((row) => row.id));
    },
  );

  it("adds min/max of cost, duration and tokens to result_info with meta_info", async () => {
    const { body } = await api.call("GET", "/gateways/default/logs?meta_info=true&provider=openai");
    const openai = rows().filter((r) => r.provider === "openai");
    const numbers = (field: string) =>
      openai.map((r) => r[field]).filter((v): v is number => typeof v === "number");
    expect(body.result_info).toMatchObject({
      min_cost: Math.min(...numbers("cost")),
      max_cost: Math.max(...numbers("cost")),
      min_duration: Math.min(...numbers("duration")),
      max_duration: Math.max(...numbers("duration")),
      min_tokens_in: Math.min(...numbers("tokens_in")),
      max_tokens_out: Math.max(...numbers("tokens_out")),
    });
  });

  it("returns a page past the end as an empty list", async () => {
    const { body } = await api.call<Row[]>("GET", "/gateways/default/logs?per_page=50&page=9");
    expect(body.result).toEqual([]);
    expect(body.result_info?.total_count).toBe(COUNT);
  });
});

describe("PATCH /gateways/{id}/logs/{log_id}", () => {
  it("round-trips feedback, score and metadata, and null clears them", async () => {
    const id = events[50]?.id ?? "";
    const set = await api.call<Row>("PATCH", `/gateways/default/logs/${id}`, {
      feedback: -1,
      score: 87,
      metadata: { reviewed: true, by: "ana" },
    });
    expect(set.status).toBe(200);
    expect(set.body.result).toMatchObject({
      id,
      feedback: -1,
      score: 87,
      metadata: { reviewed: true, by: "ana" },
    });
    expect((await api.call<Row>("GET", `/gateways/default/logs/${id}`)).body.result).toMatchObject({
      feedback: -1,
      score: 87,
    });
    const cleared = await api.call<Row>("PATCH", `/gateways/default/logs/${id}`, {
      feedback: null,
      score: null,
    });
    expect(cleared.body.result).toMatchObject({ feedback: null, score: null, metadata: { reviewed: true } });
    Object.assign(events[50] ?? {}, { metadata: { reviewed: true, by: "ana" } });
  });

  it("answers 404 for an unknown log, and changes nothing on bad input", async () => {
    const id = events[51]?.id ?? "";
    expect(
      (await api.call("PATCH", "/gateways/default/logs/0190a5c4-0000-7000-8000-00000000dead", { score: 1 }))
        .status,
    ).toBe(404);
    for (const body of [
      { feedback: 2 },
      { score: 101 },
      { score: 1.5 },
      { metadata: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 } },
      { metadata: { nested: { no: 1 } } },
      { other: 1 },
    ]) {
      const answer = await api.call("PATCH", `/gateways/default/logs/${id}`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.success).toBe(false);
    }
    expect((await api.call<Row>("GET", `/gateways/default/logs/${id}`)).body.result).not.toHaveProperty(
      "score",
    );
  });
});

describe("DELETE /gateways/{id}/logs", () => {
  it("deletes the logs a filter selects, up to limit, in the given order, and subtracts them from the count", async () => {
    const before = await api.deps.counters.read("acct", "default");
    const groqFailures = rows()
      .filter((r) => r.provider === "groq" && r.success === false)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(groqFailures.length).toBeGreaterThan(2);
    const query = `${filters({ key: "provider", operator: "eq", value: ["groq"] }, { key: "success", operator: "eq", value: [false] })}&limit=2&order_by=created_at&order_by_direction=asc`;
    const answer = await api.call("DELETE", `/gateways/default/logs?${query}`);
    expect(answer.status).toBe(200);
    expect(answer.body.success).toBe(true);
    const remaining = await listAll(
      filters(
        { key: "provider", operator: "eq", value: ["groq"] },
        { key: "success", operator: "eq", value: [false] },
      ),
    );
    expect(remaining.ids).toEqual(
      groqFailures
        .slice(2)
        .map((r) => r.id)
        .reverse(),
    );
    expect((await api.call("GET", `/gateways/default/logs/${groqFailures[0]?.id}/request`)).status).toBe(404);
    expect((await api.deps.counters.read("acct", "default")).stored).toBe(before.stored - 2);
  });

  it("refuses bad filters with a 400 and deletes nothing", async () => {
    const before = (await listAll("")).total;
    for (const query of [
      "filters=nope",
      filters({ key: "colour", operator: "eq", value: ["red"] }),
      filters({ key: "provider", operator: "like", value: ["x"] }),
      filters({ key: "provider", operator: "eq", value: [] }),
      filters({ key: "cost", operator: "gt", value: ["cheap"] }),
      filters({ key: "dlp_action", operator: "eq", value: ["ALLOW"] }),
      "limit=0",
      "order_by=colour",
      "sort=cost",
    ]) {
      const answer = await api.call("DELETE", `/gateways/default/logs?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.errors[0]?.message.length).toBeGreaterThan(5);
    }
    expect((await listAll("")).total).toBe(before);
  });
});
