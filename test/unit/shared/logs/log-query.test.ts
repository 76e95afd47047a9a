import { describe, expect, it } from "vitest";
import { compareRecords, matchesQuery, TopRecords, timeWindow } from "../../../../shared/logs/log-query.ts";

const record = {
  id: "019a0000-0000-7000-8000-000000000001",
  created_at: "2026-11-25T10:00:00.000Z",
  provider: "openai",
  model: "gpt-4o-mini",
  path: "/v1/a/g/openai/chat/completions",
  event_id: "evt-1",
  success: true,
  tokens_in: 10,
  tokens_out: null,
  metadata: { user: "ana", n: 2 },
};

describe("matchesQuery", () => {
  it("eq matches any of its values, case-insensitively; neq none of them", () => {
    expect(
      matchesQuery(record, { filters: [{ key: "provider", operator: "eq", value: ["groq", "OpenAI"] }] }),
    ).toBe(true);
    expect(matchesQuery(record, { filters: [{ key: "provider", operator: "neq", value: ["openai"] }] })).toBe(
      false,
    );
  });

  it("adds tokens in and out, with a missing side as 0", () => {
    expect(matchesQuery(record, { filters: [{ key: "tokens", operator: "gt", value: [9] }] })).toBe(true);
    expect(matchesQuery(record, { filters: [{ key: "tokens", operator: "lt", value: [10] }] })).toBe(false);
  });

  it("never matches a missing value with lt or gt", () => {
    expect(matchesQuery(record, { filters: [{ key: "tokens_out", operator: "lt", value: [100] }] })).toBe(
      false,
    );
    expect(matchesQuery(record, { filters: [{ key: "cost", operator: "eq", value: [null] }] })).toBe(true);
  });

  it("looks at every metadata key and value", () => {
    expect(matchesQuery(record, { filters: [{ key: "metadata.key", operator: "eq", value: ["n"] }] })).toBe(
      true,
    );
    expect(matchesQuery(record, { filters: [{ key: "metadata.value", operator: "eq", value: ["2"] }] })).toBe(
      true,
    );
    expect(
      matchesQuery(record, { filters: [{ key: "metadata.value", operator: "contains", value: ["bob"] }] }),
    ).toBe(false);
  });

  it("searches id, model, provider, path and event id", () => {
    expect(matchesQuery(record, { filters: [], search: "MINI" })).toBe(true);
    expect(matchesQuery(record, { filters: [], search: "chat/compl" })).toBe(true);
    expect(matchesQuery(record, { filters: [], search: "claude" })).toBe(false);
  });
});

describe("timeWindow", () => {
  it("takes the strictest created_at bounds, for the sort-key range", () => {
    expect(
      timeWindow([
        { key: "created_at", operator: "gt", value: [100] },
        { key: "created_at", operator: "gt", value: [200] },
        { key: "created_at", operator: "lt", value: [900] },
        { key: "provider", operator: "eq", value: ["x"] },
      ]),
    ).toEqual({ fromMs: 200, toMs: 900 });
  });
});

describe("compareRecords and TopRecords", () => {
  it("keeps the first n in order, ties broken by id, nulls lowest", () => {
    const rows = [
      { id: "a", cost: 2 },
      { id: "b", cost: null },
      { id: "c", cost: 2 },
      { id: "d", cost: 1 },
    ];
    const top = new TopRecords(3, compareRecords("cost", "asc"));
    for (const row of rows) top.add(row);
    expect(top.sorted().map((row) => row.id)).toEqual(["b", "d", "a"]);
    expect([...rows].sort(compareRecords("cost", "desc")).map((row) => row.id)).toEqual(["c", "a", "d", "b"]);
  });
});
