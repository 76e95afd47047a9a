import { type Detector, patternDetector } from "./detector.ts";

/**
 * A US Social Security number written AAA-GG-SSSS (dashes or spaces) that the SSA could have issued:
 * area 000, 666 and 900-999, group 00 and serial 0000 are never issued (SSA, "Social Security Number
 * Randomization"), so they are not reported. Nine bare digits are not matched: too many other numbers look so.
 */
export const usSsn: Detector = patternDetector({
  id: "us-ssn",
  name: "US Social Security number",
  pattern: /(?<![\d-])\d{3}([- ])\d{2}\1\d{4}(?![\d]|-\d)/g,
  maxLength: 11,
  needs: /\d{3}[- ]\d{2}/,
  alphabet: /[\d -]/,
  starts: /\d/,
  validate(candidate) {
    const area = Number(candidate.slice(0, 3));
    const group = candidate.slice(4, 6);
    const serial = candidate.slice(7, 11);
    return area !== 0 && area !== 666 && area < 900 && group !== "00" && serial !== "0000";
  },
});

/**
 * An email address: a dot-atom local part (RFC 5322, without quoted forms), `@`, and a domain of labels
 * ending in an alphabetic top-level label of two or more letters. Lengths bounded as RFC 5321 does (64 and 255).
 */
export const email: Detector = patternDetector({
  id: "email",
  name: "Email address",
  pattern:
    /(?<![A-Za-z0-9._%+-])[A-Za-z0-9%+_-](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9%+_-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
  maxLength: 254,
  needs: /@/,
  alphabet: /[A-Za-z0-9._%+@-]/,
  starts: /[A-Za-z0-9%+_-]/,
  validate: (candidate) => !candidate.includes(".."),
});

/**
 * A phone number: either international (`+` and a 1-3 digit country code, then 6-14 more digits in
 * groups separated by spaces, dots, dashes or one parenthesised area code) or the North American
 * `(NXX) NXX-XXXX` / `NXX-NXX-XXXX` / `NXX.NXX.XXXX` forms (NANP: area and exchange start 2-9). Bare
 * digit runs without grouping are not matched (order numbers and amounts look the same).
 */
export const phoneNumber: Detector = patternDetector({
  id: "phone-number",
  name: "Phone number",
  pattern:
    /(?<![\w+])(?:\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,6}|\([2-9]\d{2}\) ?[2-9]\d{2}[-. ]\d{4}|[2-9]\d{2}([-.])[2-9]\d{2}\1\d{4})(?![\w])/g,
  maxLength: 32,
  needs: /\d/,
  alphabet: /[\d +().-]/,
  starts: /[\d+(]/,
  validate(candidate) {
    const digits = candidate.replace(/\D/g, "");
    return digits.length >= 8 && digits.length <= 15;
  },
});
