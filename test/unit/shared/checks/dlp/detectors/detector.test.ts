import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PatternDetector } from "../../../../../../shared/checks/dlp/detectors/detector.ts";
import {
  creditCard,
  passesIbanCheck,
  passesLuhn,
} from "../../../../../../shared/checks/dlp/detectors/financial.ts";
import { email } from "../../../../../../shared/checks/dlp/detectors/identifiers.ts";
import { BUILT_IN_DETECTORS } from "../../../../../../shared/checks/dlp/predefined-profiles.ts";
import { DLP_CORPUS } from "../../../../../fixtures/dlp/corpus.ts";

describe("passesLuhn", () => {
  it("accepts a valid card number and refuses one digit off", () => {
    expect(passesLuhn("4111111111111111")).toBe(true);
    expect(passesLuhn("4111111111111112")).toBe(false);
  });
});

describe("passesIbanCheck", () => {
  it("accepts a valid IBAN and refuses a changed digit", () => {
    expect(passesIbanCheck("GB82WEST12345698765432")).toBe(true);
    expect(passesIbanCheck("GB82WEST12345698765433")).toBe(false);
  });
});

describe("a pattern detector's pending tail", () => {
  it("holds back only the trailing run of characters a match could be made of, from where one could start", () => {
    expect(creditCard.pending("my card is 4111 1111")).toBe("4111 1111".length);
    expect(creditCard.pending("trailing separators - ")).toBe(0);
    expect(creditCard.pending("no digits at the end.")).toBe(0);
    expect(email.pending("write to alice@exa")).toBe("alice@exa".length);
  });

  it("never holds back more than the longest match", () => {
    expect(creditCard.pending("1".repeat(100))).toBe(creditCard.maxLength);
  });
});

describe("a pattern detector's shortcuts", () => {
  const fragments = [
    ...DLP_CORPUS.map((testCase) => testCase.text),
    ...[
      "40 41 42 43 44 45 46 47 48 49",
      "30 31 32 33 ",
      "5555 5555 ",
      "2223 0031 ",
      "6011 ",
      "37",
      " ",
      "-",
      "@",
    ],
  ];
  const text = fc
    .array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 4 })), { maxLength: 12 })
    .map((parts) => parts.join(""));

  it("never holds back more than the longest match, which lets the stream ask the longest detectors first", () => {
    fc.assert(
      fc.property(text, (sample) => {
        for (const detector of BUILT_IN_DETECTORS) {
          expect(detector.pending(sample)).toBeLessThanOrEqual(detector.maxLength);
        }
      }),
      { numRuns: 300 },
    );
  });

  it.each(BUILT_IN_DETECTORS.map((detector) => [detector.id, detector as PatternDetector] as const))(
    "%s: skipping texts without what a match needs, and prefixes no network issues, never hides a match",
    (_, detector) => {
      const plain = detector.withoutShortcuts();
      fc.assert(
        fc.property(text, (sample) => {
          expect(detector.find(sample)).toEqual(plain.find(sample));
        }),
        { numRuns: 300 },
      );
    },
  );
});
