import { type Detector, patternDetector } from "./detector.ts";

/** The Luhn (mod 10) checksum of a digit string: every card number passes it (ISO/IEC 7812-1). */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const VISA_LENGTHS = [13, 16, 19];
const SIXTEEN = [16];
const FIFTEEN = [15];
const SIXTEEN_TO_NINETEEN = [16, 17, 18, 19];
const FOURTEEN_TO_NINETEEN = [14, 15, 16, 17, 18, 19];
const NONE: readonly number[] = [];

/**
 * Issuer prefixes and lengths of the card networks (Visa 4, Mastercard 51-55 and 2221-2720, American
 * Express 34/37, Discover 6011/644-649/65, JCB 3528-3589, Diners 300-305/36/38, UnionPay 62): the lengths
 * the network whose prefix `digits` starts with issues (from its first four digits), none when no network
 * does. A number that passes Luhn by chance but no network issues is not reported.
 */
function issuedLengths(digits: string): readonly number[] {
  const two = Number(digits.slice(0, 2));
  const three = Number(digits.slice(0, 3));
  const four = Number(digits.slice(0, 4));
  if (digits.startsWith("4")) return VISA_LENGTHS;
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return SIXTEEN;
  if (two === 34 || two === 37) return FIFTEEN;
  if (four === 6011 || two === 65 || (three >= 644 && three <= 649)) return SIXTEEN_TO_NINETEEN;
  if (four >= 3528 && four <= 3589) return SIXTEEN_TO_NINETEEN;
  if ((three >= 300 && three <= 305) || two === 36 || two === 38) return FOURTEEN_TO_NINETEEN;
  if (two === 62) return SIXTEEN_TO_NINETEEN;
  return NONE;
}

const hasCardPrefix = (digits: string): boolean => issuedLengths(digits).includes(digits.length);

/** The first four digits of a candidate, separators skipped. */
function leadingDigits(candidate: string): string {
  let digits = "";
  for (let index = 0; index < candidate.length && digits.length < 4; index++) {
    const character = candidate[index] as string;
    if (character !== " " && character !== "-") digits += character;
  }
  return digits;
}

/** 13 to 19 digits, optionally grouped by single spaces or dashes (one kind throughout), Luhn-valid. */
export const creditCard: Detector = patternDetector({
  id: "credit-card",
  name: "Credit card number",
  pattern: /(?<![\d-])\d(?:\d|[ -](?=\d)){11,22}\d(?![\d]|-\d)/g,
  maxLength: 24,
  needs: /\d/,
  alphabet: /[\d -]/,
  starts: /\d/,
  shrink: true,
  // Every prefix shrink tries has the same first four digits: when no network issues them, none can pass.
  couldValidate: (candidate) => issuedLengths(leadingDigits(candidate)).length > 0,
  validate(candidate) {
    // Counted before anything is built: most prefixes shrink tries are too short to be a card.
    let count = 0;
    let spaces = false;
    let dashes = false;
    for (let index = 0; index < candidate.length; index++) {
      const code = candidate.charCodeAt(index);
      if (code === 32) spaces = true;
      else if (code === 45) dashes = true;
      else count++;
    }
    if ((spaces && dashes) || count < 13 || count > 19) return false;
    const digits = spaces || dashes ? candidate.replace(/[ -]/g, "") : candidate;
    return hasCardPrefix(digits) && passesLuhn(digits);
  },
});

/** IBAN lengths per country (ISO 13616 registry; the countries with IBANs in common use). */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  TN: 24,
  TR: 26,
  UA: 29,
  VG: 24,
  XK: 20,
};

/** The ISO 7064 mod 97-10 check of an IBAN: moved country and check digits, letters as 10-35, remainder 1. */
export function passesIbanCheck(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const code = character.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : character;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/** A country code, two check digits and the account part (spaces every four allowed), mod-97 valid. */
export const iban: Detector = patternDetector({
  id: "iban",
  name: "IBAN",
  pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Z0-9])/g,
  maxLength: 42,
  needs: /[A-Z]{2}\d{2}/,
  alphabet: /[A-Z0-9 ]/,
  starts: /[A-Z]/,
  shrink: true,
  validate(candidate) {
    const compact = candidate.replace(/ /g, "");
    return IBAN_LENGTHS[compact.slice(0, 2)] === compact.length && passesIbanCheck(compact);
  },
});
