import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeLogBatch } from "../../../shared/logs/write-log-batch.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { logEvent, message, writerDependencies } from "./log-fixtures.ts";
import { type ManagementClient, managementOver } from "./management-fixture.ts";

type Row = Record<string, unknown> & { id: string };

const PROVIDERS = ["openai", "anthropic", "groq"] as const;
const START = Date.parse("2026-11-24T00:00:00.000Z");

/** Twelve logs: every provider, successes and failures. */
function events(gatewayId: string): LogEvent[] {
  return Array.from({ length: 12 }, (_, index) =>
    logEvent(
      {
        gateway_id: gatewayId,
        provider: PROVIDERS[index % 3] ?? "openai",
        success: index % 4 !== 0,
        status_code: index % 4 !== 0 ? 200 : 500,
      },
      START + index * 60_000,
    ),
  );
}

/** What every form below says: provider is anthropic or groq, and the request succeeded. */
const selected = (event: LogEvent) => event.provider !== "openai" && event.success;

/** The same two filters in each wire form the API reads. */
const FORMS: Record<string, string> = {
  "JSON array": `filters=${encodeURIComponent(
    JSON.stringify([
      { key: "provider", operator: "eq", value: ["anthropic", "groq"] },
      { key: "success", operator: "eq", value: [true] },
    ]),
  )}`,
  "dot (the cloudflare SDK's)":
    "filters.key=provider&filters.operator=eq&filters.value=anthropic&filters.value=groq&filters.key=success&filters.operator=eq&filters.value=true",
  "bracket, indexed (qs's default)":
    "filters%5B0%5D%5Bkey%5D=provider&filters%5B0%5D%5Boperator%5D=eq&filters%5B0%5D%5Bvalue%5D%5B0%5D=anthropic&filters%5B0%5D%5Bvalue%5D%5B1%5D=groq&filters%5B1%5D%5Bkey%5D=success&filters%5B1%5D%5Boperator%5D=eq&filters%5B1%5D%5Bvalue%5D%5B0%5D=true",
  "bracket, unindexed":
    "filters[][key]=provider&filters[][operator]=eq&filters[][value][]=anthropic&filters[][value][]=groq&filters[][key]=success&filters[][operator]=eq&filters[][value][]=true",
};

/** Filter-ish parameters the API cannot read, and other parameters a DELETE does not take: each a 400. */
const REFUSED: [string, string][] = [
  ["filters[0][key]=provider&filters[0][operator]=eq&filters[0][valeu][0]=openai", '"filters[0][valeu][0]"'],
  ["filters[0][key]=provider&filters[0][operator]=eq", "filters[0].value"],
  ["filters[0][key]=provider&filters[0][value][0]=openai", "filters[0].operator"],
  ["filters[0][key]=colour&filters[0][operator]=eq&filters[0][value][0]=red", 'unknown filter key "colour"'],
  ["filters[0][key]=provider&filters[0][operator]=like&filters[0][value][0]=openai", "filters[0].operator"],
  ["filters[0][key]=cost&filters[0][operator]=gt&filters[0][value][0]=cheap", "cost takes a number"],
  ["filters.0.key=provider&filters.0.operator=eq&filters.0.value=openai", '"filters.0.key"'],
  ["filters[key][0]=provider", '"filters[key][0]"'],
  ["filtersProvider=openai", '"filtersProvider"'],
  ["filter[0][key]=provider&filter[0][operator]=eq&filter[0][value][0]=openai", '"filter[0][key]"'],
  [
    "filters[0][key]=model&filters[0][operator]=contains&filters[0][value][0]=",
    "contains takes a non-empty text",
  ],
  ["limit=1&limit=100000", '"limit" is given more than once'],
];

let dynamo: RunningDynamo;
let api: ManagementClient;
let logsTable = "";
let sequence = 0;

/** A fresh gateway holding `events(id)`, so one test's delete never meets another's logs. */
async function gatewayWithLogs(): Promise<{ id: string; logs: LogEvent[] }> {
  const id = `forms-${++sequence}`;
  const created = await api.call("POST", "/gateways", {
    id,
    cache_invalidate_on_update: false,
    cache_ttl: 0,
    collect_logs: true,
    rate_limiting_interval: 0,
    rate_limiting_limit: 0,
  });
  expect(created.status, JSON.stringify(created.body.errors)).toBe(200);
  const logs = events(id);
  const failed = await writeLogBatch(
    logs.map((event) => message(event)),
    writerDependencies(dynamo.documentClient, logsTable),
  );
  expect(failed).toEqual([]);
  return { id, logs };
}

async function storedIds(gatewayId: string): Promise<string[]> {
  const { status, body } = await api.call<Row[]>("GET", `/gateways/${gatewayId}/logs?per_page=50`);
  expect(status).toBe(200);
  return body.result.map((row) => row.id).sort();
}

const idsOf = (logs: LogEvent[]) => logs.map((event) => event.id).sort();

beforeAll(async () => {
  dynamo = await startDynamo("dynamodb-local");
  logsTable = await dynamo.createTable("logs");
  api = await managementOver(dynamo, logsTable);
});

afterAll(async () => {
  await api.stop();
  await dynamo.stop();
});

describe.each(Object.entries(FORMS))("logs filters in the %s form", (_form, query) => {
  it("GET lists only the logs the filters select", async () => {
    const { id, logs } = await gatewayWithLogs();
    const { status, body } = await api.call<Row[]>("GET", `/gateways/${id}/logs?per_page=50&${query}`);
    expect(status, JSON.stringify(body.errors)).toBe(200);
    expect(body.result.map((row) => row.id).sort()).toEqual(idsOf(logs.filter(selected)));
    expect(body.result_info?.total_count).toBe(logs.filter(selected).length);
  });

  it("DELETE deletes only the logs the filters select, and the rest stay", async () => {
    const { id, logs } = await gatewayWithLogs();
    const { status, body } = await api.call<{ deleted: number }>("DELETE", `/gateways/${id}/logs?${query}`);
    expect(status, JSON.stringify(body.errors)).toBe(200);
    expect(body.result.deleted).toBe(logs.filter(selected).length);
    expect(await storedIds(id)).toEqual(idsOf(logs.filter((event) => !selected(event))));
  });
});

describe("filter parameters that cannot be read", () => {
  let gateway: { id: string; logs: LogEvent[] };

  beforeAll(async () => {
    gateway = await gatewayWithLogs();
  });

  it.each(
    REFUSED.flatMap(([query, message]) => [
      ["GET", query, message] as const,
      ["DELETE", query, message] as const,
    ]),
  )(
    "%s ?%s is refused with a 400 naming the parameter, and nothing is deleted",
    async (method, query, expected) => {
      const { status, body } = await api.call(method, `/gateways/${gateway.id}/logs?${query}`);
      expect(status).toBe(400);
      expect(body.success).toBe(false);
      expect(body.errors[0]?.message).toContain(expected);
      expect(await storedIds(gateway.id)).toEqual(idsOf(gateway.logs));
    },
  );

  it.each([
    ["provider=openai"],
    ["success=false"],
    ["min_cost=0"],
    ["start_date=2026-11-24T00:00:00Z"],
    ["search=groq"],
  ])(
    "DELETE ?%s (a listing's parameter) is refused, saying a DELETE takes filters, and nothing is deleted",
    async (query) => {
      const { status, body } = await api.call("DELETE", `/gateways/${gateway.id}/logs?${query}`);
      expect(status).toBe(400);
      expect(body.errors[0]?.message).toContain("a DELETE selects them with filters");
      expect(await storedIds(gateway.id)).toEqual(idsOf(gateway.logs));
    },
  );
});

describe("a DELETE with a body", () => {
  it("is refused when the body says anything (filters belong in the query), and nothing is deleted", async () => {
    const { id, logs } = await gatewayWithLogs();
    for (const body of [
      { filters: [{ key: "provider", operator: "eq", value: ["openai"] }] },
      [{ key: "provider", operator: "eq", value: ["openai"] }],
      { limit: 1 },
    ]) {
      const answer = await api.call("DELETE", `/gateways/${id}/logs`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.errors[0]?.message).toContain("takes no body: give filters in the query string");
    }
    expect(await storedIds(id)).toEqual(idsOf(logs));
  });

  it("is read as no body when the body is an empty object", async () => {
    const { id, logs } = await gatewayWithLogs();
    const answer = await api.call<{ deleted: number }>(
      "DELETE",
      `/gateways/${id}/logs?filters[0][key]=provider&filters[0][operator]=eq&filters[0][value][0]=openai`,
      {},
    );
    expect(answer.status).toBe(200);
    expect(await storedIds(id)).toEqual(idsOf(logs.filter((event) => event.provider !== "openai")));
  });
});

describe("DELETE without any filter", () => {
  it("deletes every log of the gateway, as Cloudflare documents, and no other gateway's", async () => {
    const target = await gatewayWithLogs();
    const other = await gatewayWithLogs();
    const { status, body } = await api.call<{ deleted: number }>("DELETE", `/gateways/${target.id}/logs`);
    expect(status).toBe(200);
    expect(body.result.deleted).toBe(target.logs.length);
    expect(await storedIds(target.id)).toEqual([]);
    expect(await storedIds(other.id)).toEqual(idsOf(other.logs));
  });
});
