import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimiter } from "../../../shared/limits/rate-limiter.ts";
import {
  admitRouteRateLimit,
  budgetHasRoom,
  type RouteLimitDependencies,
  recordRouteSpend,
} from "../../../shared/routing/route-limits.ts";
import type { BudgetElement, RateLimitElement } from "../../../shared/routing/route-schema.ts";
import { RateLimitStore } from "../../../shared/store/rate-limit-store.ts";
import { SpendStore } from "../../../shared/store/spend-store.ts";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { recordingLogger } from "../../support/recording-logger.ts";

let dynamo: RunningDynamo;
let deps: RouteLimitDependencies;
const now = Date.parse("2026-11-25T12:00:30Z");
const scope = { accountId: "acct", gatewayId: "gw", routeId: "route-1" };

beforeAll(async () => {
  dynamo = await startDynamo("dynamodb-local");
  const table = await dynamo.createTable("state");
  deps = {
    rateLimiter: new RateLimiter(new RateLimitStore(dynamo.documentClient, table), () => now),
    spend: new SpendStore(dynamo.documentClient, table, { cacheMs: 0 }),
    logger: recordingLogger(),
  };
});

afterAll(async () => {
  await dynamo?.stop();
});

function rateLimitNode(id: string, properties: Partial<RateLimitElement["properties"]>): RateLimitElement {
  return {
    id,
    type: "rate_limit",
    properties: {
      limitType: "count",
      key: "metadata.user_id",
      limit: 3,
      interval: 60,
      technique: "fixed",
      ...properties,
    },
    outputs: { success: { elementId: "end" } },
  };
}

describe("route rate_limit nodes on DynamoDB Local", () => {
  it("keeps one exact counter per key value under concurrency", async () => {
    const node = rateLimitNode("per-user", { limit: 3 });
    const users = ["alice", "bob", "carol", "dave"];
    // 10 concurrent requests per user, all users at once: each user gets exactly 3.
    const decisions = await Promise.all(
      users.flatMap((user) =>
        Array.from({ length: 10 }, async () => ({
          user,
          allowed: await admitRouteRateLimit(deps, scope, node, user, now),
        })),
      ),
    );
    for (const user of users) {
      expect(decisions.filter((decision) => decision.user === user && decision.allowed)).toHaveLength(3);
    }
  });

  it("holds the sliding technique under concurrency too", async () => {
    const node = rateLimitNode("sliding", { limit: 5, technique: "sliding" });
    const decisions = await Promise.all(
      Array.from({ length: 30 }, () => admitRouteRateLimit(deps, scope, node, "erin", now)),
    );
    expect(decisions.filter(Boolean)).toHaveLength(5);
  });

  it("keeps separate counters per node and per route", async () => {
    const first = rateLimitNode("first", { limit: 1 });
    const second = rateLimitNode("second", { limit: 1 });
    expect(await admitRouteRateLimit(deps, scope, first, "frank", now)).toBe(true);
    expect(await admitRouteRateLimit(deps, scope, first, "frank", now)).toBe(false);
    expect(await admitRouteRateLimit(deps, scope, second, "frank", now)).toBe(true);
    expect(await admitRouteRateLimit(deps, { ...scope, routeId: "route-2" }, first, "frank", now)).toBe(true);
  });

  it("admits on cost while the key's completed spend is below the limit", async () => {
    const node = rateLimitNode("dollars", { limitType: "cost", limit: 0.01, technique: "sliding" });
    const spending = [{ element: node, keyValue: "gina" }];
    expect(await admitRouteRateLimit(deps, scope, node, "gina", now)).toBe(true);
    await recordRouteSpend(deps.spend as SpendStore, scope, spending, 0.006, now);
    expect(await admitRouteRateLimit(deps, scope, node, "gina", now)).toBe(true);
    await recordRouteSpend(deps.spend as SpendStore, scope, spending, 0.006, now);
    expect(await admitRouteRateLimit(deps, scope, node, "gina", now)).toBe(false);
    // Another key has its own spend.
    expect(await admitRouteRateLimit(deps, scope, node, "hank", now)).toBe(true);
  });
});

describe("route budget nodes on DynamoDB Local", () => {
  const budget: BudgetElement = {
    id: "monthly",
    type: "budget",
    properties: { limit: 0.05, interval: 3600 },
    outputs: { success: { elementId: "end" } },
  };

  it("has room until the recorded spend reaches the limit", async () => {
    const spending = [{ element: budget, keyValue: "(absent)" }];
    expect(await budgetHasRoom(deps, scope, budget, now)).toBe(true);
    await Promise.all(
      Array.from({ length: 4 }, () => recordRouteSpend(deps.spend as SpendStore, scope, spending, 0.01, now)),
    );
    expect(await budgetHasRoom(deps, scope, budget, now)).toBe(true);
    await recordRouteSpend(deps.spend as SpendStore, scope, spending, 0.01, now);
    expect(await budgetHasRoom(deps, scope, budget, now)).toBe(false);
    expect(await budgetHasRoom(deps, { ...scope, routeId: "other-route" }, budget, now)).toBe(true);
  });

  it("lets requests through when the counters cannot be reached", async () => {
    const broken: RouteLimitDependencies = {
      spend: new SpendStore(dynamo.documentClient, "no-such-table", { cacheMs: 0 }),
      rateLimiter: new RateLimiter(new RateLimitStore(dynamo.documentClient, "no-such-table"), () => now),
      logger: recordingLogger(),
    };
    expect(await budgetHasRoom(broken, scope, budget, now)).toBe(true);
    expect(await admitRouteRateLimit(broken, scope, rateLimitNode("x", {}), "ivy", now)).toBe(true);
  });
});
