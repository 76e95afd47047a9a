import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import { validateRouteElements } from "../../../../shared/routing/route-graph.ts";
import type { ModelElement, RouteElement } from "../../../../shared/routing/route-schema.ts";
import {
  keyValueOf,
  pickShare,
  type RouteOperations,
  runRoute,
} from "../../../../shared/routing/run-route.ts";

const to = (elementId: string) => ({ elementId });
const model = (id: string, name: string, outputs: Record<string, string>) => ({
  id,
  type: "model",
  properties: { provider: "openai", model: name },
  outputs: Object.fromEntries(Object.entries(outputs).map(([output, target]) => [output, to(target)])),
});

/** A small deterministic generator (mulberry32), so the split is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FakeOptions {
  failing?: string[];
  rateLimited?: boolean;
  overBudget?: boolean;
  random?: () => number;
}

function fakeOperations(options: FakeOptions = {}) {
  const calls: string[] = [];
  const rateKeys: string[] = [];
  const operations: RouteOperations<string> = {
    random: options.random ?? (() => 0),
    rateLimit: async (element, keyValue) => {
      rateKeys.push(`${element.id}:${keyValue}`);
      return !options.rateLimited;
    },
    budget: async () => !options.overBudget,
    callModel: async (element: ModelElement) => {
      calls.push(element.id);
      if (options.failing?.includes(element.id)) {
        return {
          answered: false,
          value: `error from ${element.id}`,
          error: new GatewayError({ status: 503, code: 7009, message: `${element.id} is down` }),
        };
      }
      return { answered: true, value: `answer from ${element.properties.model}` };
    },
  };
  return { operations, calls, rateKeys };
}

const context = (metadata: Record<string, unknown> = {}, body: unknown = {}) => ({
  body,
  headers: {},
  metadata,
});

function route(elements: Record<string, unknown>[]): RouteElement[] {
  return validateRouteElements(elements);
}

describe("runRoute", () => {
  const planRoute = route([
    { id: "start", type: "start", outputs: { next: to("plan") } },
    {
      id: "plan",
      type: "conditional",
      properties: { condition: { "metadata.plan": "free" } },
      outputs: { true: to("cheap"), false: to("rich") },
    },
    model("cheap", "gpt-4o-mini", { success: "end", fallback: "rich" }),
    model("rich", "gpt-4o", { success: "end" }),
    { id: "end", type: "end" },
  ]);

  it("follows a conditional on metadata to the model it picks", async () => {
    const free = fakeOperations();
    const outcome = await runRoute(planRoute, context({ plan: "free" }), free.operations);
    expect(outcome).toMatchObject({ answered: true, value: "answer from gpt-4o-mini" });
    expect(outcome.visited).toEqual(["start", "plan", "cheap"]);
    const pro = fakeOperations();
    expect(await runRoute(planRoute, context({ plan: "pro" }), pro.operations)).toMatchObject({
      answered: true,
      value: "answer from gpt-4o",
    });
    expect(pro.calls).toEqual(["rich"]);
  });

  it("takes a model's fallback once it failed, and answers with the fallback model", async () => {
    const fake = fakeOperations({ failing: ["cheap"] });
    const outcome = await runRoute(planRoute, context({ plan: "free" }), fake.operations);
    expect(fake.calls).toEqual(["cheap", "rich"]);
    expect(outcome).toMatchObject({ answered: true, value: "answer from gpt-4o" });
    expect(outcome.answered && outcome.model.id).toBe("rich");
  });

  it("ends with the last model's failure when no fallback is left", async () => {
    const fake = fakeOperations({ failing: ["cheap", "rich"] });
    const outcome = await runRoute(planRoute, context({ plan: "free" }), fake.operations);
    expect(outcome).toMatchObject({ answered: false, value: "error from rich" });
    expect(!outcome.answered && outcome.error.message).toBe("rich is down");
  });

  const limitedRoute = (withFallback: boolean) =>
    route([
      { id: "start", type: "start", outputs: { next: to("per-user") } },
      {
        id: "per-user",
        type: "rate_limit",
        properties: { key: "metadata.user_id", limit: 2, interval: 60 },
        outputs: withFallback ? { success: to("budget"), fallback: to("slow") } : { success: to("budget") },
      },
      {
        id: "budget",
        type: "budget",
        properties: { limit: 1, interval: 3600 },
        outputs: withFallback ? { success: to("fast"), fallback: to("slow") } : { success: to("fast") },
      },
      model("fast", "gpt-4o", { success: "end" }),
      ...(withFallback ? [model("slow", "gpt-4o-mini", { success: "end" })] : []),
      { id: "end", type: "end" },
    ]);

  it("keys a rate_limit node's counter on the request value, and passes through it while admitted", async () => {
    const fake = fakeOperations();
    const outcome = await runRoute(limitedRoute(true), context({ user_id: "alice" }), fake.operations);
    expect(fake.rateKeys).toEqual(["per-user:alice"]);
    expect(outcome).toMatchObject({ answered: true, value: "answer from gpt-4o" });
    // The budget node counts the request's cost; a count rate limit has already counted it.
    expect(outcome.spending.map((node) => node.element.id)).toEqual(["budget"]);
  });

  it("takes the rate_limit fallback when over the limit, and ends with 429/2003 without one", async () => {
    const diverted = await runRoute(
      limitedRoute(true),
      context({ user_id: "a" }),
      fakeOperations({ rateLimited: true }).operations,
    );
    expect(diverted).toMatchObject({ answered: true, value: "answer from gpt-4o-mini" });
    const refused = await runRoute(
      limitedRoute(false),
      context({ user_id: "a" }),
      fakeOperations({ rateLimited: true }).operations,
    );
    expect(refused.answered).toBe(false);
    expect(!refused.answered && [refused.error.status, refused.error.code]).toEqual([429, 2003]);
    expect(!refused.answered && refused.error.message).toMatch(/route element "per-user"/);
  });

  it("takes the budget fallback once the budget is spent, and ends with 429/2041 without one", async () => {
    const diverted = await runRoute(
      limitedRoute(true),
      context(),
      fakeOperations({ overBudget: true }).operations,
    );
    expect(diverted).toMatchObject({ answered: true, value: "answer from gpt-4o-mini" });
    expect(diverted.spending).toEqual([]);
    const refused = await runRoute(
      limitedRoute(false),
      context(),
      fakeOperations({ overBudget: true }).operations,
    );
    expect(!refused.answered && [refused.error.status, refused.error.code]).toEqual([429, 2041]);
  });

  it("answers 400 when an end is reached without any model", async () => {
    const elements = route([
      { id: "start", type: "start", outputs: { next: to("gate") } },
      {
        id: "gate",
        type: "conditional",
        properties: { condition: { "body.model": { $exists: true } } },
        outputs: { true: to("m"), false: to("blocked") },
      },
      model("m", "gpt-4o", { success: "end" }),
      { id: "end", type: "end" },
      { id: "blocked", type: "end" },
    ]);
    const outcome = await runRoute(elements, context({}, {}), fakeOperations().operations);
    expect(!outcome.answered && [outcome.error.status, outcome.error.message]).toEqual([
      400,
      'The route reached end "blocked" without calling a model',
    ]);
  });

  describe("percentage split", () => {
    const splitRoute = (outputs: Record<string, string>) =>
      route([
        { id: "start", type: "start", outputs: { next: to("split") } },
        {
          id: "split",
          type: "percentage",
          outputs: Object.fromEntries(Object.entries(outputs).map(([name, target]) => [name, to(target)])),
        },
        model("a", "model-a", { success: "end" }),
        model("b", "model-b", { success: "end" }),
        model("c", "model-c", { success: "end" }),
        { id: "end", type: "end" },
      ]);

    /** Each branch's share over `trials` seeded draws, in percent. */
    async function shares(elements: RouteElement[], trials: number, seed: number) {
      const fake = fakeOperations({ random: seeded(seed) });
      for (let trial = 0; trial < trials; trial++) await runRoute(elements, context(), fake.operations);
      const counts: Record<string, number> = {};
      for (const call of fake.calls) counts[call] = (counts[call] ?? 0) + 1;
      return Object.fromEntries(Object.entries(counts).map(([id, count]) => [id, (100 * count) / trials]));
    }

    // 20,000 trials: one standard deviation of a 30% share is 0.32 points; the tolerance is 1.5 points.
    const TRIALS = 20_000;
    const TOLERANCE = 1.5;

    it("gives each named branch its share within 1.5 points over 20,000 seeded trials", async () => {
      for (const seed of [1, 42, 2026]) {
        const observed = await shares(splitRoute({ "10%": "a", "30%": "b", "60%": "c" }), TRIALS, seed);
        expect(Math.abs((observed.a ?? 0) - 10)).toBeLessThan(TOLERANCE);
        expect(Math.abs((observed.b ?? 0) - 30)).toBeLessThan(TOLERANCE);
        expect(Math.abs((observed.c ?? 0) - 60)).toBeLessThan(TOLERANCE);
      }
    });

    it("sends the rest to else", async () => {
      const observed = await shares(splitRoute({ "25%": "a", "25.5%": "b", else: "c" }), TRIALS, 7);
      expect(Math.abs((observed.a ?? 0) - 25)).toBeLessThan(TOLERANCE);
      expect(Math.abs((observed.b ?? 0) - 25.5)).toBeLessThan(TOLERANCE);
      expect(Math.abs((observed.c ?? 0) - 49.5)).toBeLessThan(TOLERANCE);
    });

    it("maps draws onto the shares in order", () => {
      const names = ["10%", "30%", "else"];
      expect(pickShare(names, 0)).toBe("10%");
      expect(pickShare(names, 0.0999)).toBe("10%");
      expect(pickShare(names, 0.1)).toBe("30%");
      expect(pickShare(names, 0.3999)).toBe("30%");
      expect(pickShare(names, 0.4)).toBe("else");
      expect(pickShare(["50%", "50%x", "50.00%"], 0.9999)).toBe("50.00%");
    });
  });
});

describe("keyValueOf", () => {
  it("reads the key's value as text, and shares one counter for requests without it", () => {
    expect(keyValueOf("metadata.user_id", context({ user_id: "alice" }))).toBe("alice");
    expect(keyValueOf("metadata.user_id", context({ user_id: 7 }))).toBe("7");
    expect(keyValueOf("metadata.user_id", context())).toBe("(absent)");
    expect(keyValueOf(undefined, context({ user_id: "alice" }))).toBe("(absent)");
  });
});
