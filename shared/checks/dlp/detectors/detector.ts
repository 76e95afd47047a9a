/** Where a detector found something in a text: [start, end) in UTF-16 code units. */
export interface DetectorMatch {
  start: number;
  end: number;
}

/**
 * One DLP entry: a named way to find one kind of sensitive text (docs/dlp.md lists each method).
 *
 * The streaming contract: a match is never longer than `maxLength`, and its characters, and those its end
 * depends on, are all of the detector's alphabet. `pending(text)` says how many characters at the end of
 * `text` could still be (or end) a match that later text completes or changes, never more than
 * `maxLength`; the stream holds back only those, so everything before them goes to the client at once.
 */
export interface Detector {
  id: string;
  name: string;
  maxLength: number;
  /**
   * Every match in `text`. `memo`: the valid lengths of candidates met before in the same stream, which
   * scans its undecided tail again with each piece (the memo lives and dies with the stream, so no text
   * outlives it); a detector may ignore it.
   */
  find(text: string, memo?: CandidateMemo): DetectorMatch[];
  pending(text: string): number;
}

/** Candidates a detector has validated (candidate text -> valid length), for one stream. */
export type CandidateMemo = Map<string, number>;

export interface PatternDetectorOptions {
  id: string;
  name: string;
  /** Global pattern; with `d` and a group named `secret`, only that group is the match. */
  pattern: RegExp;
  maxLength: number;
  /** Characters a match is made of: an unfinished match is a trailing run of them. Absent: any character. */
  alphabet?: RegExp;
  /** Characters a match may start with: the held tail starts at the first of them in the trailing run. */
  starts?: RegExp;
  /**
   * Something every match of `pattern` holds (an `@`, a fixed prefix): a text without it is not scanned.
   * Not global (tested as is). Only a shortcut, so it must follow from the pattern: it may never hide a match.
   */
  needs?: RegExp;
  /** A check the candidate must pass beyond its shape (Luhn, mod-97, ranges). */
  validate?: (candidate: string) => boolean;
  /**
   * False when neither the candidate nor any prefix `shrink` would try can pass `validate` (a card number
   * whose first digits no network issues): the prefixes are then not tried. A shortcut, never a decision.
   */
  couldValidate?: (candidate: string) => boolean;
  /**
   * When a greedy candidate fails `validate`, try its prefixes that end before a space or dash, longest
   * first: a card number followed by a year ("4111 1111 1111 1111 2025") is still found.
   */
  shrink?: boolean;
}

/** The candidate, or its longest prefix ending before a separator, that passes `validate`. */
function validLength(
  candidate: string,
  validate: (candidate: string) => boolean,
  shrink: boolean,
  couldValidate: ((candidate: string) => boolean) | undefined,
): number {
  if (couldValidate && !couldValidate(candidate)) return 0;
  if (validate(candidate)) return candidate.length;
  if (!shrink) return 0;
  for (let end = candidate.length - 1; end > 0; end--) {
    const separator = candidate[end];
    if ((separator === " " || separator === "-") && validate(candidate.slice(0, end))) return end;
  }
  return 0;
}

/**
 * A one-character class (an alphabet, the starts of a match) as a table for ASCII, read once per
 * character on every streamed piece; other characters ask the expression itself. Same answers as
 * `pattern.test(character)`, a fraction of the cost.
 */
class CharacterClass {
  private readonly ascii = new Uint8Array(128);

  constructor(private readonly pattern: RegExp) {
    for (let code = 0; code < 128; code++) this.ascii[code] = pattern.test(String.fromCharCode(code)) ? 1 : 0;
  }

  has(text: string, index: number): boolean {
    const code = text.charCodeAt(index);
    return code < 128 ? this.ascii[code] === 1 : this.pattern.test(text[index] as string);
  }
}

/** How many characters at the end of `text` belong to `alphabet` (at most `limit`). */
function trailingRun(text: string, alphabet: CharacterClass | undefined, limit: number): number {
  if (!alphabet) return Math.min(text.length, limit);
  let count = 0;
  while (count < limit && count < text.length && alphabet.has(text, text.length - 1 - count)) count++;
  return count;
}

/** How many validated candidates a memo holds before it starts again. */
const MEMO_CANDIDATES = 32;

/** A pattern detector, and the same detector with its shortcuts off (the tests hold the two equal). */
export interface PatternDetector extends Detector {
  withoutShortcuts(): Detector;
}

/** A detector made of a bounded regular expression and an optional validator. */
export function patternDetector(options: PatternDetectorOptions): PatternDetector {
  const { id, name, pattern, maxLength, needs, validate, couldValidate, shrink = false } = options;
  const alphabet = options.alphabet && new CharacterClass(options.alphabet);
  const starts = options.starts && new CharacterClass(options.starts);
  /** validLength is a function of the candidate alone: a memo may answer for a candidate seen before. */
  const validated = (candidate: string, memo: CandidateMemo | undefined): number => {
    let length = memo?.get(candidate);
    if (length === undefined) {
      length = validate ? validLength(candidate, validate, shrink, couldValidate) : candidate.length;
      if (memo) {
        if (memo.size >= MEMO_CANDIDATES) memo.clear();
        memo.set(candidate, length);
      }
    }
    return length;
  };
  return {
    id,
    name,
    maxLength,
    find(text, memo) {
      const matches: DetectorMatch[] = [];
      if (needs && !needs.test(text)) return matches;
      pattern.lastIndex = 0;
      for (let found = pattern.exec(text); found; found = pattern.exec(text)) {
        const span = found.indices?.groups?.secret ?? [found.index, found.index + found[0].length];
        const candidate = text.slice(span[0], span[1]);
        const length = validate ? validated(candidate, memo) : candidate.length;
        if (length > 0) {
          matches.push({ start: span[0], end: span[0] + length });
          // What a shrunk candidate left behind may hold the next match.
          if (length < candidate.length) pattern.lastIndex = span[0] + length;
        } else if (found[0].length === 0) pattern.lastIndex++;
      }
      return matches;
    },
    pending(text) {
      if (!starts) return trailingRun(text, alphabet, maxLength);
      // The trailing run, from the first character in it a match may start with: read once, from the end.
      let held = 0;
      for (let count = 1; count <= maxLength && count <= text.length; count++) {
        const index = text.length - count;
        if (alphabet && !alphabet.has(text, index)) break;
        if (starts.has(text, index)) held = count;
      }
      return held;
    },
    withoutShortcuts: () => patternDetector({ ...options, needs: undefined, couldValidate: undefined }),
  };
}
