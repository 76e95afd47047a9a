import { describe, expect, it } from "vitest";
import {
  type ConditionContext,
  conditionProblem,
  evaluateCondition,
} from "../../../../shared/routing/condition.ts";

const request: ConditionContext = {
  body: {
    model: "dynamic/support",
    temperature: 0.2,
    messages: [{ role: "user", content: "hi" }],
    tags: ["a"],
  },
  headers: { "x-tier": "gold", "x-priority": "7" },
  metadata: { plan: "free", user_id: "u-1", seats: 12, beta: true },
};

const matches = (condition: Record<string, unknown>) => {
  expect(conditionProblem(condition)).toBeNull();
  return evaluateCondition(condition, request);
};

describe("evaluateCondition", () => {
  it("compares metadata with $eq and by implicit equality", () => {
    expect(matches({ "metadata.plan": { $eq: "free" } })).toBe(true);
    expect(matches({ "metadata.plan": "free" })).toBe(true);
    expect(matches({ "metadata.plan": "pro" })).toBe(false);
    expect(matches({ "metadata.beta": true })).toBe(true);
  });

  it("reads body paths, array indexes included", () => {
    expect(matches({ "body.messages.0.role": "user" })).toBe(true);
    expect(matches({ "body.temperature": { $lt: 0.5 } })).toBe(true);
    expect(matches({ "body.tags": ["a"] })).toBe(true);
    expect(matches({ "body.messages.5.role": { $exists: true } })).toBe(false);
  });

  it("reads headers case-insensitively and compares their text as a number against a number", () => {
    expect(matches({ "headers.X-Tier": "gold" })).toBe(true);
    expect(matches({ "headers.x-priority": { $gte: 5 } })).toBe(true);
    expect(matches({ "headers.x-priority": { $gt: 7 } })).toBe(false);
  });

  it("orders numbers and strings, never across types", () => {
    expect(matches({ "metadata.seats": { $gt: 10, $lte: 12 } })).toBe(true);
    expect(matches({ "metadata.plan": { $gt: "a" } })).toBe(true);
    expect(matches({ "metadata.plan": { $gt: 1 } })).toBe(false);
  });

  it("supports $ne, $in, $nin and $exists, a missing value being unequal to everything but null", () => {
    expect(matches({ "metadata.plan": { $ne: "pro" } })).toBe(true);
    expect(matches({ "metadata.plan": { $in: ["free", "trial"] } })).toBe(true);
    expect(matches({ "metadata.plan": { $nin: ["free", "trial"] } })).toBe(false);
    expect(matches({ "metadata.region": { $exists: false } })).toBe(true);
    expect(matches({ "metadata.region": { $ne: "eu" } })).toBe(true);
    expect(matches({ "metadata.region": null })).toBe(true);
  });

  it("combines with $and, $or, $not and the implicit and of several entries", () => {
    expect(matches({ $or: [{ "metadata.plan": "pro" }, { "headers.x-tier": "gold" }] })).toBe(true);
    expect(matches({ $and: [{ "metadata.plan": "free" }, { "metadata.seats": { $gt: 100 } }] })).toBe(false);
    expect(matches({ $not: { "metadata.plan": "free" } })).toBe(false);
    expect(matches({ "metadata.seats": { $not: { $gt: 100 } } })).toBe(true);
    expect(matches({ "metadata.plan": "free", "headers.x-tier": "silver" })).toBe(false);
  });
});

describe("conditionProblem", () => {
  it("refuses unknown operators, naming where", () => {
    expect(conditionProblem({ "metadata.plan": { $regex: "^f" } })).toBe(
      'condition.metadata.plan.$regex: unknown operator "$regex"',
    );
    expect(conditionProblem({ $nor: [{ "metadata.plan": "free" }] })).toMatch(
      /condition\.\$nor: unknown operator/,
    );
  });

  it("refuses unknown paths, bad operands and empty conditions", () => {
    expect(conditionProblem({ "query.x": 1 })).toMatch(/unknown path "query\.x"/);
    expect(conditionProblem({ "metadata.plan": { $in: "free" } })).toMatch(/\$in: must be an array/);
    expect(conditionProblem({ "metadata.plan": { $exists: 1 } })).toMatch(/\$exists: must be true or false/);
    expect(conditionProblem({ $or: [] })).toMatch(/\$or: must be a non-empty array/);
    expect(conditionProblem({})).toMatch(/must not be empty/);
    expect(conditionProblem({ "metadata.plan": { $eq: "x", plain: 1 } })).toMatch(/mixes operators/);
  });
});
