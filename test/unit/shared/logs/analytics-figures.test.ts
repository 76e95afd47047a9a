import { describe, expect, it } from "vitest";
import {
  addFigures,
  emptyFigures,
  estimatePercentile,
  figuresOf,
  presentFigures,
  startsRequest,
} from "../../../../shared/logs/analytics-figures.ts";
import type { LogEvent } from "../../../../shared/schemas/log-event.ts";

const event = (overrides: Partial<LogEvent> & Record<string, unknown> = {}) =>
  ({
    success: true,
    cached: false,
    duration: 120,
    time_to_first_byte: 40,
    tokens_in: 10,
    tokens_out: 5,
    ...overrides,
  }) as LogEvent;

describe("figuresOf", () => {
  it("adds one request, its tokens, and its latency to the histogram buckets it falls in", () => {
    const figures = figuresOf(event());
    expect(figures).toMatchObject({
      requests: 1,
      attempts: 1,
      errors: 0,
      cached: 0,
      tokens_in: 10,
      tokens_out: 5,
    });
    expect(figures).toMatchObject({ duration_sum: 120, d_2: 1, ttfb_sum: 40, ttfb_count: 1, t_0: 1 });
  });

  it("counts errors and cache hits, treats missing usage and cost as 0, and counts how many had a cost", () => {
    expect(
      figuresOf(event({ success: false, cached: true, tokens_in: null, tokens_out: null })),
    ).toMatchObject({
      errors: 1,
      cached: 1,
      tokens_in: 0,
      cost: 0,
      cost_count: 0,
    });
    expect(figuresOf(event({ cost: 0.25 }))).toMatchObject({ cost: 0.25, cost_count: 1 });
  });

  it("puts a latency past the last bound in the open bucket, and leaves ttfb alone when unknown", () => {
    const figures = figuresOf(event({ duration: 90_000, time_to_first_byte: null }));
    expect(figures.d_10).toBe(1);
    expect(figures.ttfb_count).toBe(0);
  });

  it("counts a retry's later attempts as attempts, not requests (reference 5.4), tokens included", () => {
    expect(startsRequest(event())).toBe(true);
    expect(startsRequest(event({ attempt: 1 }))).toBe(true);
    const retry = figuresOf(event({ attempt: 2 }));
    expect(retry).toMatchObject({ requests: 0, attempts: 1, tokens_in: 10 });
  });
});

describe("estimatePercentile", () => {
  it("interpolates within the bucket the rank falls in", () => {
    // 10 observations in (0, 50] and 10 in (50, 100]: the median is at the top of the first bucket.
    expect(estimatePercentile([10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0.5)).toBe(50);
    expect(estimatePercentile([10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0.75)).toBe(75);
  });

  it("answers the open bucket's lower bound, and null without observations", () => {
    expect(estimatePercentile([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3], 0.99)).toBe(60_000);
    expect(estimatePercentile(new Array(11).fill(0), 0.5)).toBeNull();
  });
});

describe("presentFigures", () => {
  it("sums buckets and reports averages and percentiles", () => {
    const total = emptyFigures();
    addFigures(total, figuresOf(event({ duration: 20 })));
    addFigures(total, figuresOf(event({ duration: 80 })));
    const shown = presentFigures(total);
    expect(shown).toMatchObject({
      requests: 2,
      cache_hits: 0,
      duration_ms: { count: 2, sum: 100, average: 50 },
    });
    expect(shown.duration_ms.histogram[0]).toEqual({ le: 50, count: 1 });
    expect(shown.duration_ms.histogram.at(-1)).toEqual({ le: null, count: 0 });
  });
});
