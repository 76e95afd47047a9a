import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS, filterQuery, filtersOf } from "../../../../../console/src/logs/log-filters.ts";

describe("filtersOf", () => {
  it("is empty for an empty form, so nothing is sent", () => {
    expect(filtersOf(EMPTY_FILTERS)).toEqual([]);
    expect(filterQuery(EMPTY_FILTERS)).toEqual({});
  });

  it("turns each field into the logs API's filter with the value's type", () => {
    const filters = filtersOf({
      ...EMPTY_FILTERS,
      provider: " openai ",
      success: "false",
      cached: "true",
      feedback: "-1",
      minCost: "0.5",
      maxTokens: "100",
      metadataKey: "user",
    });
    expect(filters).toEqual([
      { key: "provider", operator: "eq", value: ["openai"] },
      { key: "success", operator: "eq", value: [false] },
      { key: "cached", operator: "eq", value: [true] },
      { key: "feedback", operator: "eq", value: [-1] },
      { key: "metadata.key", operator: "eq", value: ["user"] },
      { key: "cost", operator: "gt", value: [0.5] },
      { key: "tokens", operator: "lt", value: [100] },
    ]);
  });

  it("sends the list as one JSON filters parameter", () => {
    expect(filterQuery({ ...EMPTY_FILTERS, model: "gpt-4o" })).toEqual({
      filters: JSON.stringify([{ key: "model", operator: "eq", value: ["gpt-4o"] }]),
    });
  });
});
