import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LATENCY_BOUNDS_MS } from "../../../shared/logs/analytics-figures.ts";
import { writeLogBatch } from "../../../shared/logs/write-log-batch.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import type { LogRecord } from "../../../shared/store/log-store.ts";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { logEvent, message, writerDependencies } from "./log-fixtures.ts";
import { type ManagementClient, managementOver } from "./management-fixture.ts";

const DAY = Date.parse("2026-11-20T00:00:00.000Z");
const TRAFFIC: [string, string][] = [
  ["openai", "gpt-4o"],
  ["openai", "gpt-4o-mini"],
  ["anthropic", "claude-sonnet-4"],
  ["google-ai-studio", "gemini-2.5-flash"],
  ["groq", "llama-3.3-70b"],
];

/** A pseudo-random but repeatable day of traffic: 200 requests, errors, cache hits, some without cost or usage. */
function dayOfTraffic(): LogEvent[] {
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  return Array.from({ length: 200 }, () => {
    const [provider, model] = TRAFFIC[Math.floor(random() * TRAFFIC.length)] ?? ["openai", "gpt-4o"];
    const success = random() > 0.12;
    const cached = success && random() < 0.2;
    const withUsage = random() > 0.1;
    const event = logEvent(
      {
        gateway_id: "traffic",
        provider,
        model,
        success,
        status_code: success ? 200 : 502,
        cached,
        duration: Math.round(random() * random() * 20_000 * 100) / 100,
        time_to_first_byte: random() < 0.15 ? null : Math.round(random() * 3000),
        tokens_in: withUsage ? Math.floor(random() * 2000) : null,
        tokens_out: withUsage ? Math.floor(random() * 800) : null,
        cost: random() < 0.3 ? null : Math.round(random() * 10_000) / 1e6,
      },
      DAY + Math.floor(random() * 86_400_000),
    );
    return event;
  });
}

interface Figures {
  requests: number;
  errors: number;
  cache_hits: number;
  tokens_in: number;
  tokens_out: number;
  cost: number;
  requests_with_cost: number;
  duration_ms: { sum: number; count: number; p50: number | null; p90: number | null; p99: number | null };
  time_to_first_byte_ms: { count: number; sum: number };
}

interface Analytics {
  totals: Figures;
  buckets: (Figures & { start: string; provider?: string; model?: string })[];
}

let dynamo: RunningDynamo;
let api: ManagementClient;
let stored: LogRecord[];

/** The same figures, summed directly over logs read back from the table. */
function sums(logs: LogRecord[]) {
  const total = (pick: (log: LogRecord) => number | null | undefined) =>
    logs.reduce((sum, log) => sum + (pick(log) ?? 0), 0);
  return {
    requests: logs.length,
    errors: logs.filter((log) => !log.success).length,
    cache_hits: logs.filter((log) => log.cached).length,
    tokens_in: total((log) => log.tokens_in),
    tokens_out: total((log) => log.tokens_out),
    cost: total((log) => log.cost),
    requests_with_cost: logs.filter((log) => typeof log.cost === "number").length,
    duration_sum: total((log) => log.duration),
    ttfb_count: logs.filter((log) => log.time_to_first_byte !== null).length,
    ttfb_sum: total((log) => log.time_to_first_byte),
  };
}

function expectFigures(actual: Figures, logs: LogRecord[]) {
  const expected = sums(logs);
  expect(actual).toMatchObject({
    requests: expected.requests,
    errors: expected.errors,
    cache_hits: expected.cache_hits,
    tokens_in: expected.tokens_in,
    tokens_out: expected.tokens_out,
    requests_with_cost: expected.requests_with_cost,
  });
  expect(actual.cost).toBeCloseTo(expected.cost, 9);
  expect(actual.duration_ms.sum).toBeCloseTo(expected.duration_sum, 1);
  expect(actual.duration_ms.count).toBe(expected.requests);
  expect(actual.time_to_first_byte_ms.count).toBe(expected.ttfb_count);
  expect(actual.time_to_first_byte_ms.sum).toBeCloseTo(expected.ttfb_sum, 1);
}

/** The histogram bucket a value falls in, as [lower, upper] bounds. */
function bucketOf(value: number): [number, number] {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => value <= bound);
  if (index === -1) return [LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1] ?? 0, Infinity];
  return [index === 0 ? 0 : (LATENCY_BOUNDS_MS[index - 1] ?? 0), LATENCY_BOUNDS_MS[index] ?? 0];
}

beforeAll(async () => {
  dynamo = await startDynamo("dynamodb-local");
  const table = await dynamo.createTable("logs");
  api = await managementOver(dynamo, table);
  expect(
    (
      await api.call("POST", "/gateways", {
        id: "traffic",
        cache_invalidate_on_update: false,
        cache_ttl: 0,
        collect_logs: true,
        rate_limiting_interval: 0,
        rate_limiting_limit: 0,
      })
    ).status,
  ).toBe(200);
  const deps = writerDependencies(dynamo.documentClient, table);
  const events = dayOfTraffic();
  // Through the log-writer's real path, in SQS-sized batches of 25, one batch delivered twice.
  for (let index = 0; index < events.length; index += 25) {
    const batch = events.slice(index, index + 25).map((event) => message(event));
    expect(await writeLogBatch(batch, deps)).toEqual([]);
    if (index === 50) expect(await writeLogBatch(batch, deps)).toEqual([]);
  }
  const page = await deps.logs.list(
    "acct",
    "traffic",
    { filters: [], orderBy: "created_at", direction: "asc" },
    { page: 1, perPage: 1000 },
  );
  stored = page.records;
  expect(stored).toHaveLength(200);
});

afterAll(async () => {
  await dynamo.stop();
});

describe("analytics equal the sums over the stored logs, for a generated day of traffic", () => {
  const range = "start=2026-11-20T00:00:00Z&end=2026-11-21T00:00:00Z";

  it("per hour: every bucket and the totals", async () => {
    const { status, body } = await api.call<Analytics>(
      "GET",
      `/gateways/traffic/analytics?${range}&granularity=hour`,
    );
    expect(status).toBe(200);
    expectFigures(body.result.totals, stored);
    const hours = new Set(stored.map((log) => `${log.created_at.slice(0, 13)}:00:00.000Z`));
    expect(body.result.buckets.map((bucket) => bucket.start)).toEqual([...hours].sort());
    for (const bucket of body.result.buckets) {
      expectFigures(
        bucket,
        stored.filter((log) => log.created_at.startsWith(bucket.start.slice(0, 13))),
      );
    }
  });

  it("per day, grouped by provider", async () => {
    const { body } = await api.call<Analytics>(
      "GET",
      `/gateways/traffic/analytics?${range}&granularity=day&group_by=provider`,
    );
    const providers = [...new Set(stored.map((log) => log.provider))].sort();
    expect(body.result.buckets.map((bucket) => bucket.provider).sort()).toEqual(providers);
    for (const bucket of body.result.buckets) {
      expect(bucket.start).toBe("2026-11-20T00:00:00.000Z");
      expectFigures(
        bucket,
        stored.filter((log) => log.provider === bucket.provider),
      );
    }
  });

  it("per hour, grouped by model (with its provider)", async () => {
    const { body } = await api.call<Analytics>("GET", `/gateways/traffic/analytics?${range}&group_by=model`);
    for (const bucket of body.result.buckets) {
      const logs = stored.filter(
        (log) =>
          log.model === bucket.model &&
          log.provider === bucket.provider &&
          log.created_at.startsWith(bucket.start.slice(0, 13)),
      );
      expectFigures(bucket, logs);
    }
    expect(body.result.buckets.reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(200);
  });

  it("estimates latency percentiles within the histogram bucket of the true value", async () => {
    const { body } = await api.call<Analytics>("GET", `/gateways/traffic/analytics?${range}&granularity=day`);
    const durations = stored.map((log) => log.duration).sort((a, b) => a - b);
    for (const [quantile, estimate] of [
      [0.5, body.result.totals.duration_ms.p50],
      [0.9, body.result.totals.duration_ms.p90],
      [0.99, body.result.totals.duration_ms.p99],
    ] as const) {
      const truth = durations[Math.ceil(quantile * durations.length) - 1] ?? 0;
      const [lower, upper] = bucketOf(truth);
      expect(estimate).toBeGreaterThanOrEqual(lower);
      expect(estimate).toBeLessThanOrEqual(upper);
    }
  });

  it("covers only the buckets of the range asked for", async () => {
    const { body } = await api.call<Analytics>(
      "GET",
      "/gateways/traffic/analytics?start=2026-11-20T06:00:00Z&end=2026-11-20T09:00:00Z",
    );
    const logs = stored.filter(
      (log) => log.created_at >= "2026-11-20T06" && log.created_at < "2026-11-20T09",
    );
    expectFigures(body.result.totals, logs);
    expect(
      body.result.buckets.every(
        (bucket) => bucket.start >= "2026-11-20T06" && bucket.start < "2026-11-20T09",
      ),
    ).toBe(true);
  });
});

describe("GET /gateways/{id}/analytics with bad input", () => {
  it.each([
    ["", "start: "],
    ["start=2026-11-20T00:00:00Z", "end: "],
    ["start=yesterday&end=2026-11-20T00:00:00Z", "start: must be an ISO 8601 date-time"],
    ["start=2026-11-21T00:00:00Z&end=2026-11-20T00:00:00Z", "end: end must be after start"],
    ["start=2026-10-01T00:00:00Z&end=2026-11-20T00:00:00Z", "at most 744 hours"],
    ["start=2024-01-01T00:00:00Z&end=2026-11-20T00:00:00Z&granularity=day", "at most 366 days"],
    ["start=2026-11-20T00:00:00Z&end=2026-11-21T00:00:00Z&granularity=minute", "granularity: "],
    ["start=2026-11-20T00:00:00Z&end=2026-11-21T00:00:00Z&group_by=colour", "group_by: "],
    ["start=2026-11-20T00:00:00Z&end=2026-11-21T00:00:00Z&sort=x", 'Unknown query parameter "sort"'],
  ])("?%s: 400 naming the problem", async (query, text) => {
    const { status, body } = await api.call("GET", `/gateways/traffic/analytics?${query}`);
    expect(status).toBe(400);
    expect(body.success).toBe(false);
    expect(body.errors[0]?.message).toContain(text);
  });

  it("answers 404 for an unknown gateway and 400 for a bad id", async () => {
    const range = "start=2026-11-20T00:00:00Z&end=2026-11-21T00:00:00Z";
    expect((await api.call("GET", `/gateways/nope/analytics?${range}`)).status).toBe(404);
    expect((await api.call("GET", `/gateways/bad$id/analytics?${range}`)).status).toBe(400);
  });
});
