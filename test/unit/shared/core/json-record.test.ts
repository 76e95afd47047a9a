import { describe, expect, it } from "vitest";
import { isRecord } from "../../../../shared/core/json-record.ts";

describe("isRecord", () => {
  it("accepts a JSON object, empty or not", () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord({ a: 1 })).toBe(true);
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["an array", [1, 2]],
    ["a string", "{}"],
    ["a number", 3],
    ["a boolean", true],
  ])("refuses %s", (_, value) => {
    expect(isRecord(value)).toBe(false);
  });
});
