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

  // The forms qs produces for [{provider eq openai|groq}, {cost gt 0.5}] with its other options: the query
  // strings of browsers' and Node's HTTP clients that serialise nested objects.
  const twoFilters = [
    { key: "provider", operator: "eq", value: ["openai", "groq"] },
    { key: "cost", operator: "gt", value: [0.5] },
  ];
  it.each([
    [
      "indices (qs's default)",
      "filters[0][key]=provider&filters[0][operator]=eq&filters[0][value][0]=openai&filters[0][value][1]=groq&filters[1][key]=cost&filters[1][operator]=gt&filters[1][value][0]=0.5",
    ],
    [
      "indices, percent-encoded as qs sends them",
      "filters%5B0%5D%5Bkey%5D=provider&filters%5B0%5D%5Boperator%5D=eq&filters%5B0%5D%5Bvalue%5D%5B0%5D=openai&filters%5B0%5D%5Bvalue%5D%5B1%5D=groq&filters%5B1%5D%5Bkey%5D=cost&filters%5B1%5D%5Boperator%5D=gt&filters%5B1%5D%5Bvalue%5D%5B0%5D=0.5",
    ],
    [
      "indices, in any order",
      "filters[1][value][0]=0.5&filters[0][value][1]=groq&filters[1][key]=cost&filters[0][key]=provider&filters[0][operator]=eq&filters[1][operator]=gt&filters[0][value][0]=openai",
    ],
    [
      "brackets",
      "filters[][key]=provider&filters[][operator]=eq&filters[][value][]=openai&filters[][value][]=groq&filters[][key]=cost&filters[][operator]=gt&filters[][value][]=0.5",
    ],
    [
      "repeat",
      "filters[key]=provider&filters[operator]=eq&filters[value]=openai&filters[value]=groq&filters[key]=cost&filters[operator]=gt&filters[value]=0.5",
    ],
    [
      "indices with allowDots",
      "filters[0].key=provider&filters[0].operator=eq&filters[0].value[0]=openai&filters[0].value[1]=groq&filters[1].key=cost&filters[1].operator=gt&filters[1].value[0]=0.5",
    ],
    [
      "brackets with allowDots",
      "filters[].key=provider&filters[].operator=eq&filters[].value[]=openai&filters[].value[]=groq&filters[].key=cost&filters[].operator=gt&filters[].value[]=0.5",
    ],
  ])("reads the bracket form: %s", (_form, query) => {
    expect(parseFilters(url(query))).toEqual(twoFilters);
  });

  it("reads the SDK's form as API Gateway regroups it by name, when each filter has one value", () => {
    const grouped =
      "filters.key=provider&filters.key=cost&filters.operator=eq&filters.operator=gt&filters.value=openai&filters.value=0.5";
    expect(parseFilters(url(grouped))).toEqual([
      { key: "provider", operator: "eq", value: ["openai"] },
      { key: "cost", operator: "gt", value: [0.5] },
    ]);
  });

  it("refuses the regrouped form when values can no longer be matched to their filters", () => {
    const grouped =
      "filters.key=provider&filters.key=cost&filters.operator=eq&filters.operator=gt&filters.value=openai&filters.value=groq&filters.value=0.5";
    expect(() => parseFilters(url(grouped))).toThrow("which values belong to which filter is lost");
  });

  it("reads no filter from a query without filter parameters, or an empty JSON list", () => {
    expect(parseFilters(url("limit=5"))).toEqual([]);
    expect(parseFilters(url("filters=%5B%5D"))).toEqual([]);
  });

  // Every filter parameter that is not understood is refused, naming it: ignoring one would widen a DELETE.
  it.each([
    ["filters[0][key]=provider&filters[0][operator]=eq&filters[0][valeu][0]=x", '"filters[0][valeu][0]"'],
    [
      "filters[0][key]=provider&filters[0][operator]=eq&filters[0][value][0][x]=y",
      '"filters[0][value][0][x]"',
    ],
    ["filters.0.key=provider&filters.0.operator=eq&filters.0.value=x", '"filters.0.key"'],
    ["filtersX=1", '"filtersX"'],
    ["filters[]=provider", '"filters[]"'],
    ["filters[key][0]=provider&filters[operator]=eq&filters[value]=x", '"filters[key][0]"'],
    ["filters[a][key]=provider", '"filters[a][key]"'],
    ["filters[50][key]=provider&filters[50][operator]=eq&filters[50][value][0]=x", "filters[50]"],
    ["filters[0][key]=provider&filters[0][operator]=eq", "filters[0].value"],
    ["filters[0][key]=provider&filters[0][value][0]=x", "filters[0].operator"],
    ["filters[0][operator]=eq&filters[0][value][0]=x", "filters[0].key"],
    [
      "filters[0][key]=provider&filters[0][key]=model&filters[0][operator]=eq&filters[0][value][0]=x",
      '"filters[0][key]" is given more than once',
    ],
    [
      "filters[0][key]=provider&filters[0][operator]=eq&filters[0][value][0]=x&filters[0][value][0]=y",
      '"filters[0][value][0]" is given more than once',
    ],
    [
      "filters[key]=provider&filters[operator]=eq&filters[operator]=neq&filters[value]=x",
      '"filters[operator]" is given more than once',
    ],
    [
      "filters[0][key]=provider&filters[0][operator]=eq&filters[0][value][0]=x&filters.key=model&filters.operator=eq&filters.value=y",
      "one form",
    ],
    [
      `filters=${encodeURIComponent('[{"key":"provider","operator":"eq","value":["x"]}]')}&filters.value=y`,
      "one form",
    ],
    ["filters[0][key]=colour&filters[0][operator]=eq&filters[0][value][0]=x", 'unknown filter key "colour"'],
    ["filters[0][key]=provider&filters[0][operator]=like&filters[0][value][0]=x", "filters[0].operator"],
    ["filters[0][key]=cost&filters[0][operator]=gt&filters[0][value][0]=cheap", "cost takes a number"],
    [
      "filters[key]=provider&filters[value]=x&filters[key]=model&filters[operator]=eq&filters[value]=y",
      "filters.0.operator",
    ],
    [
      "filters[0][key]=model&filters[0][operator]=contains&filters[0][value][0]=",
      "filters[0].value: contains takes a non-empty text (an empty one matches every log)",
    ],
    ["filters.value=x", '"filters.value" comes before any filter\'s key'],
  ])("refuses %s", (query, message) => {
    expect(() => parseFilters(url(query))).toThrow(message);
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
    expect(scalarParams(url("page=2&filters.key=id&filters=[]&filters[0][key]=id&filtersX=1"))).toEqual({
      page: "2",
    });
  });

  it("refuses a scalar parameter given twice, naming it", () => {
    expect(() => scalarParams(url("limit=1&limit=100000"))).toThrow(
      'Query parameter "limit" is given more than once',
    );
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
