import { describe, expect, it } from "vitest";
import { deprecatedFilters } from "../../../../shared/logs/deprecated-log-params.ts";
import { parseFilters, scalarParams } from "../../../../shared/logs/log-list-query.ts";

const url = (query: string) => new URL(`http://x/logs?${query}`);

describe("parseFilters", () => {
  it("reads the cloudflare SDK's repeated dotted form, one filter per filters.key", () => {
    const filters = parseFilters(
      url(
        "filters.key=provider&filters.operator=eq&filters.value=openai&filters.value=groq&filters.key=cost&filters.operator=gt&filters.value=0.5",
      ),
    );
    expect(filters).toEqual([
      { key: "provider", operator: "eq", value: ["openai", "groq"] },
      { key: "cost", operator: "gt", value: [0.5] },
    ]);
  });

  it("reads a JSON array, and converts values to the key's type", () => {
    const query = `filters=${encodeURIComponent(
      JSON.stringify([
        { key: "success", operator: "eq", value: ["false"] },
        { key: "created_at", operator: "gt", value: ["2026-11-25T00:00:00Z"] },
        { key: "feedback", operator: "eq", value: [null] },
      ]),
    )}`;
    expect(parseFilters(url(query))).toEqual([
      { key: "success", operator: "eq", value: [false] },
      { key: "created_at", operator: "gt", value: [Date.parse("2026-11-25T00:00:00Z")] },
      { key: "feedback", operator: "eq", value: [null] },
    ]);
  });

  it.each([
    ["filters=[", "filters: must be a JSON array"],
    [
      `filters=${encodeURIComponent('[{"key":"colour","operator":"eq","value":["x"]}]')}`,
      'unknown filter key "colour"',
    ],
    [
      `filters=${encodeURIComponent('[{"key":"wholesale","operator":"eq","value":[true]}]')}`,
      "not supported",
    ],
    [
      `filters=${encodeURIComponent('[{"key":"model","operator":"gt","value":["x"]}]')}`,
      "applies to numbers",
    ],
    ["filters.key=cached&filters.operator=eq&filters.value=maybe", "cached takes true or false"],
    ["filters.key=cost&filters.operator=eq", "filters.0.value"],
  ])("refuses %s", (query, message) => {
    expect(() => parseFilters(url(query))).toThrow(message);
  });

  it("leaves filter parameters out of the scalar ones", () => {
    expect(scalarParams(url("page=2&filters.key=id&filters=[]"))).toEqual({ page: "2" });
  });
});

describe("deprecatedFilters", () => {
  it("turns flat parameters into filters, with min/max inclusive", () => {
    const filters = deprecatedFilters({ provider: "openai", min_cost: 1, cached: true });
    expect(filters).toContainEqual({ key: "provider", operator: "eq", value: ["openai"] });
    expect(filters).toContainEqual({ key: "cached", operator: "eq", value: [true] });
    const min = filters.find((filter) => filter.key === "cost");
    expect(min?.operator).toBe("gt");
    expect(Number(min?.value[0])).toBeLessThan(1);
    expect(Number(min?.value[0])).toBeGreaterThan(0.999);
  });
});
