import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectorsOf } from "../../../../../shared/checks/dlp/custom-profile-detectors.ts";
import type { Detector } from "../../../../../shared/checks/dlp/detectors/detector.ts";
import { PREDEFINED_PROFILES } from "../../../../../shared/checks/dlp/predefined-profiles.ts";
import { type DlpHit, type ScanPlan, scanText } from "../../../../../shared/checks/dlp/scan-plan.ts";
import { StreamScanner } from "../../../../../shared/checks/dlp/stream-scanner.ts";
import type { CustomDlpProfile } from "../../../../../shared/store/dlp-profile-store.ts";
import { DLP_CORPUS } from "../../../../fixtures/dlp/corpus.ts";

const planOf = (detectors: readonly Detector[], profileId: string): ScanPlan => ({
  check: "RESPONSE",
  entries: detectors.map((detector) => ({ detector, profileId, action: "FLAG", policyIds: ["p"] })),
});

const builtIn = planOf(
  PREDEFINED_PROFILES.flatMap((profile) => profile.detectors),
  "built-in",
);

const customProfile = {
  id: "custom",
  name: "Custom",
  entries: [
    { id: "ticket", name: "Ticket", enabled: true, pattern: { regex: "PRJ-\\d{4,8}" } },
    { id: "digits", name: "Digit runs", enabled: true, pattern: { regex: "\\d+ ?\\d*" } },
    { id: "words", name: "Code names", enabled: true, words: ["Bluebird", "red fox", "hello"] },
  ],
} as unknown as CustomDlpProfile;
const custom = planOf(detectorsOf(customProfile), "custom");

/** Fragments that make matches, near misses and matches split across pieces likely. */
const fragments = [
  ...DLP_CORPUS.map((testCase) => testCase.text),
  ...DLP_CORPUS.flatMap((testCase) => (testCase.match ? [testCase.match] : [])),
  " ",
  "-",
  ".",
  "@",
  "\n",
  "PRJ-",
  "Bluebird",
  "red fox",
  "hello",
  "4111 1111 ",
  "1111 1111",
  "0123456789",
  "aws_secret_access_key = ",
  "eyJ",
  "sk-",
  "AKIA",
  "+44 ",
];

const text = fc
  .array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 6 })), { maxLength: 30 })
  .map((parts) => parts.join(""));

/** A text and the cut points that split it into pieces (empty pieces included). */
const splitText = text.chain((whole) =>
  fc
    .array(fc.integer({ min: 0, max: whole.length }), { maxLength: 40 })
    .map((cuts) => ({ whole, cuts: [...cuts].sort((a, b) => a - b) })),
);

function piecesOf(whole: string, cuts: readonly number[]): string[] {
  const pieces: string[] = [];
  let at = 0;
  for (const cut of cuts) {
    pieces.push(whole.slice(at, cut));
    at = cut;
  }
  pieces.push(whole.slice(at));
  return pieces;
}

const key = (hit: DlpHit) => `${hit.start}-${hit.end} ${hit.entry.profileId}/${hit.entry.detector.id}`;
const keys = (hits: readonly DlpHit[]) => hits.map(key).sort();

function streamed(plan: ScanPlan, pieces: readonly string[]) {
  const scanner = new StreamScanner(plan);
  const hits: DlpHit[] = [];
  let decided = 0;
  let monotonic = true;
  let length = 0;
  let boundedTail = true;
  const longest = Math.max(...plan.entries.map((entry) => entry.detector.maxLength));
  for (const piece of pieces) {
    hits.push(...scanner.push(piece));
    length += piece.length;
    if (scanner.decidedUpTo < decided) monotonic = false;
    decided = scanner.decidedUpTo;
    if (length - decided > longest) boundedTail = false;
  }
  hits.push(...scanner.end());
  return { hits, monotonic, boundedTail, decidedAtEnd: scanner.decidedUpTo, length };
}

describe("StreamScanner", () => {
  it.each([
    ["the built-in profiles", builtIn],
    ["a custom regex and word-list profile", custom],
  ])(
    "finds in any split of a text exactly the hits of a scan of the whole text, each once (%s)",
    (_, plan) => {
      fc.assert(
        fc.property(splitText, ({ whole, cuts }) => {
          const result = streamed(plan, piecesOf(whole, cuts));
          expect(keys(result.hits)).toEqual(keys(scanText(plan, whole)));
          expect(result.monotonic).toBe(true);
          expect(result.boundedTail).toBe(true);
          expect(result.decidedAtEnd).toBe(result.length);
        }),
        { numRuns: 300 },
      );
    },
  );

  it("reports a hit that starts inside another detector's hit decided before it", () => {
    const jwt = DLP_CORPUS.find((testCase) => testCase.detector === "jwt" && testCase.match)?.match ?? "";
    const whole = `${jwt}-----BEGIN ${"PRIVATE KEY-----"}`;
    const found = streamed(builtIn, [whole]).hits.map((hit) => hit.entry.detector.id);
    expect(found.sort()).toEqual(["jwt", "private-key"]);
  });

  it("catches a match split across pieces", () => {
    const hits = streamed(builtIn, ["my card is 4111 11", "11 1111 1111 and", " more"]).hits;
    expect(hits.map((hit) => [hit.entry.detector.id, hit.start, hit.end])).toEqual([["credit-card", 11, 30]]);
  });
});
