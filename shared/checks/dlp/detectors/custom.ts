import type { Detector, DetectorMatch } from "./detector.ts";

/** The longest text a custom regular expression may match; longer matches are not found (docs/dlp.md). */
export const CUSTOM_MATCH_LIMIT = 256;
const MAX_PATTERN_LENGTH = 1024;

/**
 * Why a custom pattern is refused, or null when it is accepted. JavaScript's engine backtracks, so a
 * pattern is accepted only in a form whose cost is bounded (docs/dlp.md, "Custom profiles"):
 * - no backreferences and no lookaround (they are what make matching non-regular);
 * - no quantified group that itself holds a quantifier or an alternation (`(a+)+`, `(a|ab)*`: the
 *   catastrophic shapes), and no more than 8 quantifiers in all;
 * - and it must compile.
 * Matching then runs on windows of bounded length (see customRegexDetector), so the time is linear in the
 * length of the text scanned whatever the pattern.
 */
export function customPatternProblem(source: string): string | null {
  if (source.length === 0) return "the pattern is empty";
  if (source.length > MAX_PATTERN_LENGTH)
    return `the pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    new RegExp(source, "u");
  } catch (error) {
    return `the pattern does not compile: ${(error as Error).message}`;
  }
  // Each open group: does it hold a quantifier or an alternation so far?
  const groups: { risky: boolean }[] = [];
  let quantifiers = 0;
  let inClass = false;
  let lastClosedRisky = false;
  for (let index = 0; index < source.length; index++) {
    const character = source[index] as string;
    const previousClosedRisky = lastClosedRisky;
    lastClosedRisky = false;
    if (character === "\\") {
      const next = source[index + 1] ?? "";
      if (!inClass && /[1-9k]/.test(next)) return "backreferences are not supported";
      index++;
      continue;
    }
    if (inClass) {
      if (character === "]") inClass = false;
      continue;
    }
    if (character === "[") inClass = true;
    else if (character === "(") {
      if (
        source.startsWith("(?=", index) ||
        source.startsWith("(?!", index) ||
        source.startsWith("(?<=", index) ||
        source.startsWith("(?<!", index)
      ) {
        return "lookahead and lookbehind are not supported";
      }
      groups.push({ risky: false });
    } else if (character === ")") {
      const closed = groups.pop();
      lastClosedRisky = closed?.risky ?? false;
      const parent = groups.at(-1);
      if (parent && lastClosedRisky) parent.risky = true;
    } else if (character === "|") {
      const current = groups.at(-1);
      if (current) current.risky = true;
    } else if (character === "*" || character === "+" || character === "?" || character === "{") {
      if (character === "?" && /[*+?}]/.test(source[index - 1] ?? "")) continue; // lazy modifier
      if (character === "{" && !/^\{\d+(,\d*)?\}/.test(source.slice(index))) continue; // a literal brace
      quantifiers++;
      if (source[index - 1] === ")" && previousClosedRisky) {
        return "a quantified group may not hold another quantifier or an alternation (nested repetition)";
      }
      const current = groups.at(-1);
      if (current) current.risky = true;
      if (character === "{") index = source.indexOf("}", index);
    }
  }
  if (quantifiers > 8) return "the pattern has more than 8 quantifiers";
  return null;
}

/**
 * A detector from a custom pattern already accepted by customPatternProblem. Long texts are matched in
 * windows of 2 x CUSTOM_MATCH_LIMIT that overlap by CUSTOM_MATCH_LIMIT, so each match attempt sees a
 * bounded text: the whole scan is linear in the text's length.
 */
export function customRegexDetector(
  id: string,
  name: string,
  source: string,
  caseInsensitive = false,
): Detector {
  const pattern = new RegExp(source, caseInsensitive ? "giu" : "gu");
  const window = CUSTOM_MATCH_LIMIT * 2;
  return {
    id,
    name,
    maxLength: CUSTOM_MATCH_LIMIT,
    find(text) {
      const matches: DetectorMatch[] = [];
      let after = 0;
      for (let offset = 0; offset < text.length || offset === 0; offset += CUSTOM_MATCH_LIMIT) {
        const slice = text.slice(offset, offset + window);
        const last = offset + window >= text.length;
        pattern.lastIndex = 0;
        for (let found = pattern.exec(slice); found; found = pattern.exec(slice)) {
          if (found[0].length === 0) {
            pattern.lastIndex++;
            continue;
          }
          const start = offset + found.index;
          // A window owns the matches that start in its first half (the last window owns the rest).
          if (!last && found.index >= CUSTOM_MATCH_LIMIT) break;
          if (start >= after && found[0].length <= CUSTOM_MATCH_LIMIT) {
            matches.push({ start, end: start + found[0].length });
            after = start + found[0].length;
          }
        }
        if (last) break;
      }
      return matches;
    },
    pending: (text) => Math.min(text.length, CUSTOM_MATCH_LIMIT),
  };
}

/**
 * A detector for a list of words or phrases, matched whole (not inside a longer word) and without regard
 * to case. The words are escaped into one alternation: no pattern a user writes is ever compiled.
 */
export function wordListDetector(id: string, name: string, words: readonly string[]): Detector {
  const kept = words.map((word) => word.trim()).filter((word) => word.length > 0);
  const escaped = [...kept]
    .sort((a, b) => b.length - a.length)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern =
    escaped.length > 0
      ? new RegExp(`(?<![\\p{L}\\p{N}_])(?:${escaped.join("|")})(?![\\p{L}\\p{N}_])`, "giu")
      : null;
  const maxLength = Math.max(1, ...kept.map((word) => word.length));
  return {
    id,
    name,
    maxLength,
    find(text) {
      if (!pattern) return [];
      const matches: DetectorMatch[] = [];
      pattern.lastIndex = 0;
      for (let found = pattern.exec(text); found; found = pattern.exec(text)) {
        matches.push({ start: found.index, end: found.index + found[0].length });
      }
      return matches;
    },
    pending: (text) => Math.min(text.length, maxLength),
  };
}
