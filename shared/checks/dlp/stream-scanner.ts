import type { CandidateMemo, Detector } from "./detectors/detector.ts";
import type { DlpHit, ScanPlan } from "./scan-plan.ts";

/**
 * Characters kept before the undecided text, so that a detector's look-behind (a word boundary, the name
 * before an AWS secret key) still sees what was already released.
 */
const CONTEXT = 64;

/**
 * Scans a text that arrives in pieces, deciding as early as it can. After each piece, text is decided up
 * to the point where only a tail that could still become (or extend) a match is left: each detector says
 * how long that tail is for it (its trailing run, bounded by its longest match; detector.ts), and the
 * longest one wins. Every hit that starts in decided text is final and reported once, even one that starts
 * inside an earlier hit of another detector (detectors' matches may overlap; a whole-text scan finds both).
 * Offsets are absolute (from the start of the stream's text).
 */
export class StreamScanner {
  private window = "";
  /** Absolute offset of window[0]. */
  private base = 0;
  /**
   * Absolute offset up to which the text is decided: every hit starting before it has been reported. It
   * does not move to the end of a hit reaching past it, as a hit of another detector may start in between.
   */
  private decided = 0;
  /** Per entry: candidates already validated in this stream (the undecided tail is scanned again). */
  private readonly memos: CandidateMemo[];
  /**
   * Per entry: the end of its last hit reported. One detector's matches never overlap in a whole-text scan,
   * so a window that starts inside a reported hit must not report a match inside it (a suffix of it).
   */
  private readonly reportedEnds: number[];

  /**
   * The plan's detectors, longest match first: a detector holds back at most its longest match, so once
   * the tail held is that long, the shorter detectors cannot hold more and are not asked.
   */
  private readonly byLongestMatch: Detector[];

  constructor(private readonly plan: ScanPlan) {
    this.memos = plan.entries.map(() => new Map());
    this.reportedEnds = plan.entries.map(() => 0);
    this.byLongestMatch = [...new Set(plan.entries.map((entry) => entry.detector))].sort(
      (a, b) => b.maxLength - a.maxLength,
    );
  }

  /** Absolute offset up to which the text is decided (no later text can change a hit before it). */
  get decidedUpTo(): number {
    return this.decided;
  }

  /** Adds a piece; returns the hits it decided. */
  push(piece: string): DlpHit[] {
    this.window += piece;
    let held = 0;
    for (const detector of this.byLongestMatch) {
      if (detector.maxLength <= held) break;
      held = Math.max(held, detector.pending(this.window));
    }
    return this.decide(this.base + Math.max(0, this.window.length - held));
  }

  /** The text is complete: every remaining hit is decided. */
  end(): DlpHit[] {
    return this.decide(this.base + this.window.length);
  }

  private decide(upTo: number): DlpHit[] {
    if (upTo <= this.decided) return [];
    // What scanText(plan, window) finds, in its order, less the hits already reported or not yet final.
    const hits: DlpHit[] = [];
    this.plan.entries.forEach((entry, index) => {
      const after = Math.max(this.decided, this.reportedEnds[index] ?? 0);
      for (const match of entry.detector.find(this.window, this.memos[index])) {
        const start = match.start + this.base;
        if (start < after || start >= upTo) continue;
        hits.push({ entry, start, end: match.end + this.base });
        this.reportedEnds[index] = match.end + this.base;
      }
    });
    this.decided = upTo;
    const keepFrom = Math.max(this.base, this.decided - CONTEXT);
    this.window = this.window.slice(keepFrom - this.base);
    this.base = keepFrom;
    return hits;
  }
}
