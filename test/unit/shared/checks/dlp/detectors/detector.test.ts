import { describe, expect, it } from "vitest";
import {
  creditCard,
  passesIbanCheck,
  passesLuhn,
} from "../../../../../../shared/checks/dlp/detectors/financial.ts";
import { email } from "../../../../../../shared/checks/dlp/detectors/identifiers.ts";

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
  it("holds back only the trailing run of characters a match could be made of", () => {
    expect(creditCard.pending("my card is 4111 1111")).toBe(" 4111 1111".length);
    expect(creditCard.pending("no digits at the end.")).toBe(0);
    expect(email.pending("write to alice@exa")).toBe("alice@exa".length);
  });

  it("never holds back more than the longest match", () => {
    expect(creditCard.pending("1".repeat(100))).toBe(creditCard.maxLength);
  });
});
