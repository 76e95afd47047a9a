/** Where a detector found something in a text: [start, end) in UTF-16 code units. */
export interface DetectorMatch {
  start: number;
  end: number;
}

/**
 * One DLP entry: a named way to find one kind of sensitive text (docs/dlp.md lists each method).
 *
 * The streaming contract: a match is never longer than `maxLength`, and whether text is a match is decided
 * by the text itself plus one character after it. `pending(text)` says how many characters at the end of
 * `text` could still be the start of a match that later text completes; the stream holds back only those
 * (plus one), so everything before them goes to the client at once.
 */
export interface Detector {
  id: string;
  name: string;
  maxLength: number;
  find(text: string): DetectorMatch[];
  pending(text: string): number;
}

export interface PatternDetectorOptions {
  id: string;
  name: string;
  /** Global pattern; with `d` and a group named `secret`, only that group is the match. */
  pattern: RegExp;
  maxLength: number;
  /** Characters a match is made of: an unfinished match is a trailing run of them. Absent: any character. */
  alphabet?: RegExp;
  /** A check the candidate must pass beyond its shape (Luhn, mod-97, ranges). */
  validate?: (candidate: string) => boolean;
  /**
   * When a greedy candidate fails `validate`, try its prefixes that end before a space or dash, longest
   * first: a card number followed by a year ("4111 1111 1111 1111 2025") is still found.
   */
  shrink?: boolean;
}

/** The candidate, or its longest prefix ending before a separator, that passes `validate`. */
function validLength(candidate: string, validate: (candidate: string) => boolean, shrink: boolean): number {
  if (validate(candidate)) return candidate.length;
  if (!shrink) return 0;
  for (let end = candidate.length - 1; end > 0; end--) {
    const separator = candidate[end];
    if ((separator === " " || separator === "-") && validate(candidate.slice(0, end))) return end;
  }
  return 0;
}

/** How many characters at the end of `text` belong to `alphabet` (at most `limit`). */
export function trailingRun(text: string, alphabet: RegExp | undefined, limit: number): number {
  if (!alphabet) return Math.min(text.length, limit);
  let count = 0;
  while (count < limit && count < text.length && alphabet.test(text[text.length - 1 - count] as string))
    count++;
  return count;
}

/** A detector made of a bounded regular expression and an optional validator. */
export function patternDetector(options: PatternDetectorOptions): Detector {
  const { id, name, pattern, maxLength, alphabet, validate, shrink = false } = options;
  return {
    id,
    name,
    maxLength,
    find(text) {
      const matches: DetectorMatch[] = [];
      pattern.lastIndex = 0;
      for (let found = pattern.exec(text); found; found = pattern.exec(text)) {
        const span = found.indices?.groups?.secret ?? [found.index, found.index + found[0].length];
        const candidate = text.slice(span[0], span[1]);
        const length = validate ? validLength(candidate, validate, shrink) : candidate.length;
        if (length > 0) {
          matches.push({ start: span[0], end: span[0] + length });
          // What a shrunk candidate left behind may hold the next match.
          if (length < candidate.length) pattern.lastIndex = span[0] + length;
        } else if (found[0].length === 0) pattern.lastIndex++;
      }
      return matches;
    },
    pending: (text) => trailingRun(text, alphabet, maxLength),
  };
}
