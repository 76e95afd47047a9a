import { describe, expect, it } from "vitest";
import { judge, mergeIntoLog } from "../../../../../shared/checks/guardrails/guardrail-verdict.ts";

describe("judge", () => {
  it("blocks when a detected category's rule is BLOCK, listing every detected category that has a rule", () => {
    expect(judge({ S1: "FLAG", S10: "BLOCK" }, ["S10", "S1", "S5"])).toEqual({
      action: "BLOCK",
      categories: ["S1", "S10"],
    });
  });

  it("flags when the detected categories' rules are FLAG only", () => {
    expect(judge({ P1: "FLAG", S2: "BLOCK" }, ["P1"])).toEqual({ action: "FLAG", categories: ["P1"] });
  });

  it("ignores a detected category without a rule", () => {
    expect(judge({ S1: "BLOCK" }, ["S2", "S13"])).toEqual({ action: "NONE", categories: [] });
  });
});

describe("mergeIntoLog", () => {
  it("keeps the strongest action and every category over several scans of one stream, counting the calls", () => {
    let logged = mergeIntoLog(undefined, "bedrock-guardrails", { action: "FLAG", categories: ["S2"] });
    logged = mergeIntoLog(logged, "bedrock-guardrails", { action: "NONE", categories: [] });
    logged = mergeIntoLog(logged, "bedrock-guardrails", "unavailable");
    expect(logged).toEqual({
      action: "FLAG",
      categories: ["S2"],
      scanner: "bedrock-guardrails",
      scanner_unavailable: true,
      evaluations: 3,
    });
  });
});
