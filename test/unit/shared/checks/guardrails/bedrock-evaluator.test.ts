import { describe, expect, it } from "vitest";
import { detectedCategories } from "../../../../../shared/checks/guardrails/bedrock-evaluator.ts";
import {
  BEDROCK_DENIED_TOPICS,
  categoryOfBedrockTopic,
} from "../../../../../shared/checks/guardrails/bedrock-policy.ts";
import { GUARDRAIL_CATEGORIES } from "../../../../../shared/schemas/guardrails.ts";

describe("detectedCategories (an ApplyGuardrail answer read as Cloudflare's categories)", () => {
  it("reads content filters and denied topics that blocked or detected, and nothing that did not", () => {
    const categories = detectedCategories({
      assessments: [
        {
          contentPolicy: {
            filters: [
              { type: "VIOLENCE", confidence: "HIGH", action: "BLOCKED" },
              { type: "SEXUAL", confidence: "LOW", action: "NONE", detected: true },
              { type: "HATE", confidence: "NONE", action: "NONE", detected: false },
            ],
          },
          topicPolicy: {
            topics: [
              { name: "S6-specialized-advice", type: "DENY", action: "BLOCKED" },
              { name: "company-secrets", type: "DENY", action: "BLOCKED" },
            ],
          },
        },
        { contentPolicy: { filters: [{ type: "PROMPT_ATTACK", confidence: "HIGH", action: "BLOCKED" }] } },
      ],
    });
    expect(categories.sort()).toEqual(["P1", "S1", "S12", "S6"]);
  });
});

describe("the Bedrock guardrail policy", () => {
  it("covers every category with a content filter or a denied topic", () => {
    const covered = new Set([
      "S1",
      "S2",
      "S10",
      "S12",
      "P1",
      ...BEDROCK_DENIED_TOPICS.map((topic) => topic.category),
    ]);
    expect([...covered].sort()).toEqual([...GUARDRAIL_CATEGORIES].sort());
  });

  it("names each denied topic within Bedrock's limits, starting with its category's code", () => {
    for (const topic of BEDROCK_DENIED_TOPICS) {
      expect(topic.name).toMatch(/^[0-9a-zA-Z-_ !?.]{1,100}$/);
      expect(topic.definition.length).toBeLessThanOrEqual(200);
      expect(topic.examples.every((example) => example.length <= 100)).toBe(true);
      expect(categoryOfBedrockTopic(topic.name)).toBe(topic.category);
    }
  });

  it("reads S1 from `S1-...` but not from `S14`", () => {
    expect(categoryOfBedrockTopic("S13-elections")).toBe("S13");
    expect(categoryOfBedrockTopic("s1 violent")).toBe("S1");
    expect(categoryOfBedrockTopic("S14-other")).toBeUndefined();
  });
});
