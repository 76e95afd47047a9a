import { describe, expect, it } from "vitest";
import { BUILT_IN_DETECTORS } from "../../../../../../shared/checks/dlp/predefined-profiles.ts";
import { DLP_CORPUS } from "../../../../../fixtures/dlp/corpus.ts";

interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/**
 * Precision and recall of every built-in detector over the labelled corpus: a true match counts when the
 * detector finds exactly the labelled text; anything a detector finds that is not a labelled match of its
 * own is a false positive (near misses of every kind count against every detector).
 */
function scoreCorpus(): Map<string, Score> {
  const scores = new Map<string, Score>();
  for (const detector of BUILT_IN_DETECTORS) {
    const score = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
    for (const testCase of DLP_CORPUS) {
      const found = detector.find(testCase.text).map((match) => testCase.text.slice(match.start, match.end));
      const expected = testCase.detector === detector.id ? testCase.match : undefined;
      if (expected !== undefined && found.includes(expected)) score.truePositives++;
      else if (expected !== undefined) score.falseNegatives++;
      score.falsePositives += found.filter((text) => text !== expected).length;
    }
    scores.set(detector.id, score);
  }
  return scores;
}

describe("the built-in detectors on the labelled corpus", () => {
  const scores = scoreCorpus();
  const table = [...scores].map(([id, score]) => ({
    detector: id,
    precision: score.truePositives / Math.max(1, score.truePositives + score.falsePositives),
    recall: score.truePositives / Math.max(1, score.truePositives + score.falseNegatives),
    ...score,
  }));
  if (process.env.DLP_CORPUS_REPORT) console.table(table);

  it("has true matches and near misses for every detector", () => {
    for (const detector of BUILT_IN_DETECTORS) {
      const cases = DLP_CORPUS.filter((testCase) => testCase.detector === detector.id);
      expect(
        cases.some((testCase) => testCase.match),
        detector.id,
      ).toBe(true);
      expect(
        cases.some((testCase) => !testCase.match),
        detector.id,
      ).toBe(true);
    }
  });

  it.each(table.map((row) => [row.detector, row] as const))(
    "%s keeps precision and recall at 0.8 or more",
    (_, row) => {
      expect(row.precision).toBeGreaterThanOrEqual(0.8);
      expect(row.recall).toBeGreaterThanOrEqual(0.8);
    },
  );

  it("gets every case right but the known limits", () => {
    const wrong = DLP_CORPUS.filter((testCase) => !testCase.knownLimit).filter((testCase) => {
      const found = BUILT_IN_DETECTORS.flatMap((detector) =>
        detector
          .find(testCase.text)
          .map((match) => ({ detector: detector.id, text: testCase.text.slice(match.start, match.end) })),
      );
      const expected = testCase.match ? [{ detector: testCase.detector, text: testCase.match }] : [];
      return JSON.stringify(found) !== JSON.stringify(expected);
    });
    expect(wrong).toEqual([]);
  });
});
