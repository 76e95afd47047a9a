import { describe, expect, it } from "vitest";
import { categoryOfModeration } from "../../../../../shared/checks/guardrails/moderation-categories.ts";

describe("categoryOfModeration", () => {
  it.each([
    ["violence", "S1"],
    ["illicit", "S2"],
    ["sexual/minors", "S4"],
    ["hate/threatening", "S10"],
    ["self-harm/intent", "S11"],
    ["sexual", "S12"],
  ])("maps OpenAI's %s to %s", (key, category) => {
    expect(categoryOfModeration(key)).toBe(category);
  });

  it("reads a classifier's own codes as they are, and ignores what it does not know", () => {
    expect(categoryOfModeration("S6")).toBe("S6");
    expect(categoryOfModeration("p1")).toBe("P1");
    expect(categoryOfModeration("spam")).toBeUndefined();
  });
});
