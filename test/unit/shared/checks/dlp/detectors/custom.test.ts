import { describe, expect, it } from "vitest";
import {
  CUSTOM_MATCH_LIMIT,
  customPatternProblem,
  customRegexDetector,
  wordListDetector,
} from "../../../../../../shared/checks/dlp/detectors/custom.ts";

const found = (detector: { find(text: string): { start: number; end: number }[] }, text: string) =>
  detector.find(text).map((match) => text.slice(match.start, match.end));

describe("customPatternProblem", () => {
  it("accepts plain bounded patterns", () => {
    expect(customPatternProblem("EMP-\\d{6}")).toBeNull();
    expect(customPatternProblem("(?:project|codename) [A-Z][a-z]+")).toBeNull();
    expect(customPatternProblem("[(+*]{2}x")).toBeNull();
  });

  it("refuses nested repetition, backreferences, lookaround and patterns that do not compile", () => {
    expect(customPatternProblem("(a+)+$")).toMatch(/nested repetition/);
    expect(customPatternProblem("(a|ab)*c")).toMatch(/nested repetition/);
    expect(customPatternProblem("((ab)*c)+")).toMatch(/nested repetition/);
    expect(customPatternProblem("(a)\\1")).toMatch(/backreferences/);
    expect(customPatternProblem("a(?=b)")).toMatch(/lookahead/);
    expect(customPatternProblem("(unclosed")).toMatch(/does not compile/);
    expect(customPatternProblem("")).toMatch(/empty/);
  });
});

describe("customRegexDetector", () => {
  it("finds matches across the windows of a long text once each", () => {
    const detector = customRegexDetector("c1", "employee id", "EMP-\\d{6}");
    const filler = "x".repeat(CUSTOM_MATCH_LIMIT - 5);
    const text = `${filler}EMP-123456${filler}EMP-654321${filler}`;
    expect(found(detector, text)).toEqual(["EMP-123456", "EMP-654321"]);
  });

  it("matches case-insensitively when asked", () => {
    expect(found(customRegexDetector("c2", "n", "secret", true), "a SECRET b")).toEqual(["SECRET"]);
  });
});

describe("wordListDetector", () => {
  it("finds whole words and phrases regardless of case, never inside a longer word", () => {
    const detector = wordListDetector("w1", "codenames", ["Project Falcon", "orion", "a.b"]);
    expect(found(detector, "about project falcon and Orion, not orionids; a.b too")).toEqual([
      "project falcon",
      "Orion",
      "a.b",
    ]);
  });

  it("finds nothing for an empty list", () => {
    expect(found(wordListDetector("w2", "empty", [" "]), "anything")).toEqual([]);
  });
});
