import { describe, expect, it } from "vitest";
import {
  isExhausted,
  ruleApplies,
  type SpendRequest,
  type SpendRule,
  slidingEstimate,
  spendBuckets,
  spendBucketsFor,
  spentInWindow,
  windowIndex,
} from "../../../../shared/limits/spend-buckets.ts";

function rule(partial: Partial<SpendRule> = {}): SpendRule {
  return {
    id: "r1",
    enabled: true,
    limit: 10,
    limitType: "cost",
    window: 60,
    technique: "fixed",
    ...partial,
  };
}

function request(partial: Partial<SpendRequest> = {}): SpendRequest {
  return { provider: "openai", model: "gpt-4o", metadata: null, ...partial };
}

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

describe("ruleApplies", () => {
  it("applies a rule without filters to every request", () => {
    expect(ruleApplies(rule(), request())).toBe(true);
    expect(ruleApplies(rule(), request({ provider: null, model: null }))).toBe(true);
  });

  it("never applies a disabled rule", () => {
    expect(ruleApplies(rule({ enabled: false }), request())).toBe(false);
  });

  it("filters by provider and by model, case-insensitively, and needs every filter to match", () => {
    const filtered = rule({
      provider: { mode: "filter", values: ["OpenAI", "anthropic"] },
      model: { mode: "filter", values: ["gpt-4o"] },
    });
    expect(ruleApplies(filtered, request())).toBe(true);
    expect(ruleApplies(filtered, request({ provider: "anthropic", model: "GPT-4o" }))).toBe(true);
    expect(ruleApplies(filtered, request({ provider: "groq" }))).toBe(false);
    expect(ruleApplies(filtered, request({ model: "gpt-4o-mini" }))).toBe(false);
    expect(ruleApplies(filtered, request({ model: null }))).toBe(false);
  });

  it("filters by a metadata value, compared as a string; a request without the key does not match", () => {
    const byTeam = rule({ metadata: { team: { mode: "filter", values: ["search", "42"] } } });
    expect(ruleApplies(byTeam, request({ metadata: { team: "search" } }))).toBe(true);
    expect(ruleApplies(byTeam, request({ metadata: { team: 42 } }))).toBe(true);
    expect(ruleApplies(byTeam, request({ metadata: { team: "ads" } }))).toBe(false);
    expect(ruleApplies(byTeam, request({ metadata: { other: "search" } }))).toBe(false);
    expect(ruleApplies(byTeam, request({ metadata: null }))).toBe(false);
  });

  it("never excludes a request for a split (partition) key", () => {
    const perUser = rule({ metadata: { user: { mode: "partition" } } });
    expect(ruleApplies(perUser, request({ metadata: null }))).toBe(true);
  });
});

describe("spendBuckets", () => {
  it("gives no bucket when the rule does not apply", () => {
    expect(spendBuckets(rule({ model: { mode: "filter", values: ["x"] } }), request(), T0)).toEqual([]);
  });

  it("gives one shared bucket for an unsplit rule, whatever the request's metadata", () => {
    const [a] = spendBuckets(rule(), request({ metadata: { user: "a" } }), T0);
    const [b] = spendBuckets(rule(), request({ provider: "anthropic", metadata: { user: "b" } }), T0);
    expect(a).toEqual({
      ruleId: "r1",
      key: "r1#60#*",
      window: 60,
      technique: "fixed",
      limit: 10,
      index: windowIndex(T0, 60),
    });
    expect(b?.key).toBe(a?.key);
  });

  it("gives one bucket per split value, and one per combination of several split keys", () => {
    const perUser = rule({ metadata: { user: { mode: "partition" }, org: { mode: "partition" } } });
    const key = (metadata: SpendRequest["metadata"]) =>
      spendBuckets(perUser, request({ metadata }), T0)[0]?.key;
    expect(key({ user: "alice", org: "x" })).toBe("r1#60#org=x&user=alice");
    expect(key({ org: "x", user: "alice" })).toBe(key({ user: "alice", org: "x" }));
    expect(key({ user: "bob", org: "x" })).not.toBe(key({ user: "alice", org: "x" }));
    expect(key({ user: "alice", org: "y" })).not.toBe(key({ user: "alice", org: "x" }));
    expect(key({ user: "alice" })).toBe("r1#60#org&user=alice");
    expect(key({ user: "", org: "x" })).not.toBe(key({ org: "x" }));
    expect(key({ user: "~", org: "x" })).not.toBe(key({ org: "x" }));
  });

  it("keeps keys safe and short whatever the values", () => {
    const perUser = rule({ metadata: { user: { mode: "partition" } } });
    const hashy = spendBuckets(perUser, request({ metadata: { user: "a#b&c=d" } }), T0)[0]?.key;
    expect(hashy).toBe("r1#60#user=a%23b%26c%3Dd");
    const long = spendBuckets(perUser, request({ metadata: { user: "x".repeat(5000) } }), T0)[0]?.key ?? "";
    expect(long.length).toBeLessThan(100);
    expect(long).toMatch(/^r1#60#sha256:[0-9a-f]{64}$/);
  });

  it("uses windows of fixed length aligned to the epoch, not calendar periods", () => {
    const day = rule({ window: 86_400 });
    expect(spendBuckets(day, request(), T0)[0]?.index).toBe(Math.floor(T0 / 86_400_000));
    const thirtyDays = 30 * 86_400;
    expect(windowIndex(thirtyDays * 1000 * 7 + 5, thirtyDays)).toBe(7);
    expect(windowIndex(thirtyDays * 1000 * 7 - 1, thirtyDays)).toBe(6);
  });

  it("spendBucketsFor covers every applicable rule, and none when spend limits are off", () => {
    const rules = [
      rule({ id: "a" }),
      rule({ id: "b", provider: { mode: "filter", values: ["groq"] } }),
      rule({ id: "c" }),
    ];
    expect(spendBucketsFor({ enabled: true, rules }, request(), T0).map((bucket) => bucket.ruleId)).toEqual([
      "a",
      "c",
    ]);
    expect(spendBucketsFor({ enabled: false, rules }, request(), T0)).toEqual([]);
    expect(spendBucketsFor(null, request(), T0)).toEqual([]);
  });
});

describe("spent in a window", () => {
  const start = 1000 * 60 * 1_000_000; // the start of a 60 s window

  it("fixed reads the current window only", () => {
    expect(spentInWindow("fixed", 3, 100, start + 1, 60)).toBe(3);
  });

  it("sliding weighs the previous window by the part of it still inside the trailing window", () => {
    expect(slidingEstimate(3, 8, start, 60)).toBe(11);
    expect(slidingEstimate(3, 8, start + 15_000, 60)).toBe(9);
    expect(slidingEstimate(3, 8, start + 30_000, 60)).toBe(7);
    expect(slidingEstimate(3, 8, start + 59_999, 60)).toBeCloseTo(3, 3);
  });

  it("a limit is exhausted once the spend reaches it; a zero limit stops everything", () => {
    expect(isExhausted(9.99, 10)).toBe(false);
    expect(isExhausted(10, 10)).toBe(true);
    expect(isExhausted(0, 0)).toBe(true);
  });
});

/** A deterministic pseudo-random sequence (a 32-bit LCG), so the simulation is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Simulation {
  /** Worst trailing-window spend divided by (limit + max cost), and the worst ratio to its bound. */
  worstRatio: number;
  worstBoundRatio: number;
  admitted: number;
  refused: number;
}

/**
 * Runs a sliding rule over a stream of requests, recording each admitted cost at once (no in-flight
 * overshoot), and measures the true spend of the trailing window at each admission against the bound
 * `(limit + c) * (1 + elapsed / window)`.
 */
function simulate(
  arrivals: number[],
  costs: number[],
  limit: number,
  windowSeconds: number,
  maxCost: number,
) {
  const spend = new Map<number, number>();
  const admittedAt: { t: number; cost: number }[] = [];
  const result: Simulation = { worstRatio: 0, worstBoundRatio: 0, admitted: 0, refused: 0 };
  arrivals.forEach((t, i) => {
    const index = windowIndex(t, windowSeconds);
    const estimate = spentInWindow(
      "sliding",
      spend.get(index) ?? 0,
      spend.get(index - 1) ?? 0,
      t,
      windowSeconds,
    );
    if (isExhausted(estimate, limit)) {
      result.refused += 1;
      return;
    }
    const cost = costs[i] ?? 0;
    spend.set(index, (spend.get(index) ?? 0) + cost);
    admittedAt.push({ t, cost });
    result.admitted += 1;
    const trailing = admittedAt
      .filter((event) => event.t > t - windowSeconds * 1000 && event.t <= t)
      .reduce((sum, event) => sum + event.cost, 0);
    const elapsed = (t - index * windowSeconds * 1000) / (windowSeconds * 1000);
    result.worstRatio = Math.max(result.worstRatio, trailing / (limit + maxCost));
    result.worstBoundRatio = Math.max(result.worstBoundRatio, trailing / ((limit + maxCost) * (1 + elapsed)));
  });
  return result;
}

describe("the sliding estimate stays within its documented bound (deterministic simulation)", () => {
  const windowSeconds = 60;
  const windowMs = windowSeconds * 1000;
  const limit = 10;
  const maxCost = 0.5;

  it.each([1, 2, 3, 4, 5])(
    "random traffic, seed %i: trailing spend < (limit + c)(1 + elapsed/window)",
    (seed) => {
      const next = random(seed);
      const arrivals: number[] = [];
      const costs: number[] = [];
      let t = T0;
      for (let i = 0; i < 20_000; i += 1) {
        // Bursty: mostly quick arrivals, sometimes a long pause.
        t += next() < 0.05 ? Math.floor(next() * windowMs) : Math.floor(next() * 200);
        arrivals.push(t);
        costs.push(Math.max(0.0001, next() * maxCost));
      }
      const result = simulate(arrivals, costs, limit, windowSeconds, maxCost);
      expect(result.admitted).toBeGreaterThan(100);
      expect(result.refused).toBeGreaterThan(100);
      expect(result.worstBoundRatio).toBeLessThan(1);
      expect(result.worstRatio).toBeLessThan(2);
    },
  );

  it("the adversarial case (a whole budget at the end of a window, then a burst) comes near the bound but not over", () => {
    const arrivals: number[] = [];
    const costs: number[] = [];
    const windowStart = Math.ceil(T0 / windowMs) * windowMs;
    // The previous window is quiet until its last second, then spends the limit.
    for (let i = 0; i < 40; i += 1) {
      arrivals.push(windowStart + windowMs - 1000 + i * 10);
      costs.push(maxCost);
    }
    // Then steady traffic through the next window: the estimate forgets the previous spend as it ages.
    for (let ms = 1000; ms < windowMs; ms += 100) {
      arrivals.push(windowStart + windowMs + ms);
      costs.push(maxCost);
    }
    const result = simulate(arrivals, costs, limit, windowSeconds, maxCost);
    expect(result.worstBoundRatio).toBeLessThan(1);
    // A fixed window would admit 2x the limit across the boundary; sliding admits more than the limit
    // only by the documented bound.
    expect(result.worstRatio).toBeGreaterThan(limit / (limit + maxCost));
  });

  it("steady, even traffic: the estimate tracks the true trailing spend closely", () => {
    const spend = new Map<number, number>();
    const events: number[] = [];
    let worstError = 0;
    for (let t = T0; t < T0 + 10 * windowMs; t += 250) {
      const index = windowIndex(t, windowSeconds);
      spend.set(index, (spend.get(index) ?? 0) + 0.01);
      events.push(t);
      if (t < T0 + 2 * windowMs) continue;
      const estimate = slidingEstimate(spend.get(index) ?? 0, spend.get(index - 1) ?? 0, t, windowSeconds);
      const trueSpend = events.filter((e) => e > t - windowMs && e <= t).length * 0.01;
      worstError = Math.max(worstError, Math.abs(estimate - trueSpend));
    }
    // One request's cost of quantisation error at most.
    expect(worstError).toBeLessThanOrEqual(0.0101);
  });
});
