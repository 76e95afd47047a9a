import { DeleteCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayError } from "../../../shared/core/gateway-error.ts";
import { type SpendRequest, type SpendRule, spendBucketsFor } from "../../../shared/limits/spend-buckets.ts";
import { reserveSpend } from "../../../shared/limits/spend-enforcement.ts";
import type { SpendLimits } from "../../../shared/schemas/spend-limits.ts";
import { SpendStore } from "../../../shared/store/spend-store.ts";
import { type EmulatorName, type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";

function rule(partial: Partial<SpendRule> = {}): SpendRule {
  return { id: "r1", enabled: true, limit: 1, limitType: "cost", window: 60, technique: "fixed", ...partial };
}

function request(partial: Partial<SpendRequest> = {}): SpendRequest {
  return { provider: "openai", model: "gpt-4o", metadata: null, ...partial };
}

/** A controllable clock, starting at the beginning of a minute (and so of every 60 s window). */
function clock() {
  let now = Date.UTC(2026, 10, 25, 12, 0, 0);
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

let gatewayCounter = 0;
const freshGateway = () => `gw-${Date.now()}-${++gatewayCounter}`;

describe.each<EmulatorName>(["dynamodb-local", "dynalite"])("SpendStore on %s", (emulator) => {
  let dynamo: RunningDynamo;
  let tableName: string;
  let store: SpendStore;

  beforeAll(async () => {
    dynamo = await startDynamo(emulator);
    tableName = await dynamo.createTable("state");
    store = new SpendStore(dynamo.documentClient, tableName, { cacheMs: 0 });
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  /** Spends through the store as the log-writer would: every applicable rule's bucket. */
  async function spend(gatewayId: string, rules: SpendRule[], req: SpendRequest, usd: number, nowMs: number) {
    await store.add("acct", gatewayId, spendBucketsFor({ enabled: true, rules }, req, nowMs), usd, nowMs);
  }

  it("a fixed rule stops traffic once its window's spend reaches the limit, and lets it through in the next window", async () => {
    const gatewayId = freshGateway();
    const time = clock();
    const rules = [rule({ limit: 1, window: 60, technique: "fixed" })];
    const check = () => store.check("acct", gatewayId, rules, request(), time.now());

    expect((await check()).exceeded).toBeNull();
    await spend(gatewayId, rules, request(), 0.4, time.now());
    time.advance(10_000);
    await spend(gatewayId, rules, request(), 0.4, time.now());
    expect((await check()).exceeded).toBeNull();
    await spend(gatewayId, rules, request(), 0.25, time.now());
    expect((await check()).exceeded).toEqual({
      ruleId: "r1",
      limit: 1,
      window: 60,
      technique: "fixed",
      spent: 1.05,
    });

    time.advance(49_999); // still the same window
    expect((await check()).exceeded).not.toBeNull();
    time.advance(1); // the next window
    expect((await check()).exceeded).toBeNull();
  });

  it("a sliding rule remembers the previous window in proportion, then forgets it", async () => {
    const gatewayId = freshGateway();
    const time = clock();
    const rules = [rule({ limit: 1, window: 60, technique: "sliding" })];
    const check = () => store.check("acct", gatewayId, rules, request(), time.now());

    await spend(gatewayId, rules, request(), 1.2, time.now() + 59_000);
    time.advance(60_000); // the next window has begun: estimate 1.2 * (1 - 0) = 1.2
    expect((await check()).exceeded).toMatchObject({ technique: "sliding", spent: 1.2 });
    time.advance(15_000); // 1.2 * 0.75 = 0.9: under the limit again
    expect((await check()).exceeded).toBeNull();
    await spend(gatewayId, rules, request(), 0.15, time.now()); // 0.15 + 0.9 = 1.05
    expect((await check()).exceeded?.spent).toBeCloseTo(1.05, 9);
    time.advance(60_000); // two windows on: only the 0.15, weighted by 0.75
    expect((await check()).exceeded).toBeNull();
  });

  it("split (partition) rules keep a separate budget per metadata value", async () => {
    const gatewayId = freshGateway();
    const time = clock();
    const rules = [rule({ limit: 1, metadata: { user: { mode: "partition" } } })];
    const alice = request({ metadata: { user: "alice" } });
    const bob = request({ metadata: { user: "bob" } });

    await spend(gatewayId, rules, alice, 1.5, time.now());
    expect((await store.check("acct", gatewayId, rules, alice, time.now())).exceeded?.ruleId).toBe("r1");
    expect((await store.check("acct", gatewayId, rules, bob, time.now())).exceeded).toBeNull();
    expect((await store.check("acct", gatewayId, rules, request(), time.now())).exceeded).toBeNull();
    await spend(gatewayId, rules, bob, 0.5, time.now());
    expect((await store.check("acct", gatewayId, rules, bob, time.now())).exceeded).toBeNull();
  });

  it("filters apply a rule only to matching requests", async () => {
    const gatewayId = freshGateway();
    const time = clock();
    const rules = [
      rule({ id: "gpt4o-only", limit: 1, model: { mode: "filter", values: ["gpt-4o"] } }),
      rule({ id: "team-search", limit: 5, metadata: { team: { mode: "filter", values: ["search"] } } }),
    ];
    const gpt4o = request();
    const mini = request({ model: "gpt-4o-mini" });
    await spend(gatewayId, rules, mini, 3, time.now()); // only team-search could apply, and it does not
    await spend(gatewayId, rules, gpt4o, 2, time.now());

    expect((await store.check("acct", gatewayId, rules, gpt4o, time.now())).exceeded?.ruleId).toBe(
      "gpt4o-only",
    );
    expect((await store.check("acct", gatewayId, rules, mini, time.now())).exceeded).toBeNull();

    const search = request({ model: "gpt-4o-mini", metadata: { team: "search" } });
    await spend(gatewayId, rules, search, 4.99, time.now());
    expect((await store.check("acct", gatewayId, rules, search, time.now())).exceeded).toBeNull();
    await spend(gatewayId, rules, search, 0.01, time.now());
    expect((await store.check("acct", gatewayId, rules, search, time.now())).exceeded?.ruleId).toBe(
      "team-search",
    );
  });

  it("answers the first exhausted rule in the gateway's order, over 20 sliding rules (40 bucket reads)", async () => {
    const gatewayId = freshGateway();
    const time = clock();
    const rules = Array.from({ length: 20 }, (_, i) =>
      rule({ id: `r${i}`, limit: 100 - i, technique: "sliding" }),
    );
    await spend(gatewayId, rules, request(), 95.5, time.now());
    const { exceeded } = await store.check("acct", gatewayId, rules, request(), time.now());
    expect(exceeded?.ruleId).toBe("r5"); // limits 100..81; 95 is the first at or under 95.5
  });

  it("adds atomically: concurrent log-writers lose no spend, and sub-cent costs add up exactly", async () => {
    const gatewayId = freshGateway();
    const time = clock();
    const rules = [rule({ limit: 1 })];
    await Promise.all(
      Array.from({ length: 50 }, () => spend(gatewayId, rules, request(), 0.019, time.now())),
    );
    expect((await store.check("acct", gatewayId, rules, request(), time.now())).exceeded).toBeNull(); // 0.95
    await Promise.all(Array.from({ length: 5 }, () => spend(gatewayId, rules, request(), 0.01, time.now())));
    expect((await store.check("acct", gatewayId, rules, request(), time.now())).exceeded?.spent).toBe(1);
  });

  it("stores spend as integer nano-dollars with a TTL of two windows", async () => {
    const gatewayId = freshGateway();
    const time = clock();
    const rules = [rule({ window: 3600 })];
    await spend(gatewayId, rules, request(), 0.000000123, time.now());
    const index = Math.floor(time.now() / 1000 / 3600);
    const { Item } = await dynamo.documentClient.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: `SPEND#acct#${gatewayId}#r1#3600#*`, sk: String(index) },
      }),
    );
    expect(Item).toMatchObject({ spent_nano: 123, rule_id: "r1", expires_at: (index + 2) * 3600 + 60 });
  });

  it("ignores zero, negative and non-finite costs", async () => {
    const gatewayId = freshGateway();
    const time = clock();
    const rules = [rule({ limit: 0.000001 })];
    for (const usd of [0, -5, Number.NaN, Number.POSITIVE_INFINITY, 1e-12]) {
      await spend(gatewayId, rules, request(), usd, time.now());
    }
    expect((await store.check("acct", gatewayId, rules, request(), time.now())).exceeded).toBeNull();
  });

  it("with a read cache, a check may see spend up to cacheMs old", async () => {
    const gatewayId = freshGateway();
    const time = clock();
    let cacheNow = 0;
    const cached = new SpendStore(dynamo.documentClient, tableName, {
      cacheMs: 2000,
      cacheClock: () => cacheNow,
    });
    const rules = [rule({ limit: 1 })];
    expect((await cached.check("acct", gatewayId, rules, request(), time.now())).exceeded).toBeNull();
    await spend(gatewayId, rules, request(), 2, time.now());
    cacheNow += 1999;
    expect((await cached.check("acct", gatewayId, rules, request(), time.now())).exceeded).toBeNull();
    cacheNow += 1;
    expect((await cached.check("acct", gatewayId, rules, request(), time.now())).exceeded?.spent).toBe(2);
  });

  describe("reservations", () => {
    /** The buckets of every applicable rule, as the proxy computes them. */
    const bucketsOf = (rules: SpendRule[], req: SpendRequest, nowMs: number) =>
      spendBucketsFor({ enabled: true, rules }, req, nowMs);

    it("100 concurrent reservations against a budget worth 5 admit exactly 5", async () => {
      const gatewayId = freshGateway();
      const time = clock();
      const rules = [rule({ limit: 0.5 })];
      const results = await Promise.all(
        Array.from({ length: 100 }, () =>
          store.reserve("acct", gatewayId, bucketsOf(rules, request(), time.now()), 0.1, time.now()),
        ),
      );
      expect(results.filter((result) => result.exceeded === null)).toHaveLength(5);
      const refused = results.find((result) => result.exceeded !== null);
      expect(refused?.exceeded).toMatchObject({ ruleId: "r1", limit: 0.5, technique: "fixed" });
      expect(results.every((result) => result.errors.length === 0)).toBe(true);
      expect((await store.check("acct", gatewayId, rules, request(), time.now())).exceeded?.spent).toBe(0.5);
    });

    it("settling returns the unused part, so the next reservation fits exactly where the real spend allows", async () => {
      const gatewayId = freshGateway();
      const time = clock();
      const rules = [rule({ limit: 1 })];
      const reserve = () =>
        store.reserve("acct", gatewayId, bucketsOf(rules, request(), time.now()), 0.4, time.now());

      for (let i = 0; i < 6; i += 1) {
        const held = await reserve();
        expect(held.exceeded).toBeNull();
        await store.settle(held.holds, 0.1); // 0.1 spent per request: 0.6 after six
      }
      // 0.6 + 0.4 = 1: fits (at the limit, not past it); then 0.7 + 0.4 does not.
      const seventh = await reserve();
      expect(seventh.exceeded).toBeNull();
      await store.settle(seventh.holds, 0.1);
      expect((await reserve()).exceeded).toMatchObject({ ruleId: "r1", spent: 0.7 });
    });

    it("settling a failed request (no cost) gives the whole reservation back, and a cost above the bound is added", async () => {
      const gatewayId = freshGateway();
      const time = clock();
      const rules = [rule({ limit: 1 })];
      const held = await store.reserve(
        "acct",
        gatewayId,
        bucketsOf(rules, request(), time.now()),
        0.9,
        time.now(),
      );
      await store.settle(held.holds, null);
      const spent = async () =>
        (await store.check("acct", gatewayId, [rule({ limit: 0 })], request(), time.now())).exceeded?.spent;
      expect(await spent()).toBe(0);

      const short = await store.reserve(
        "acct",
        gatewayId,
        bucketsOf(rules, request(), time.now()),
        0.2,
        time.now(),
      );
      await store.settle(short.holds, 0.25);
      expect(await spent()).toBe(0.25);
    });

    it("a sliding rule counts the previous window at its weight before reserving", async () => {
      const gatewayId = freshGateway();
      const time = clock();
      const rules = [rule({ limit: 1, technique: "sliding" })];
      await spend(gatewayId, rules, request(), 0.8, time.now());
      time.advance(60_000 + 30_000); // half-way through the next window: 0.8 * 0.5 = 0.4 still counts
      const reserve = (usd: number) =>
        store.reserve("acct", gatewayId, bucketsOf(rules, request(), time.now()), usd, time.now());

      expect((await reserve(0.7)).exceeded).toMatchObject({ ruleId: "r1", spent: 0.4 });
      expect((await reserve(0.6)).exceeded).toBeNull();
      expect((await reserve(0.01)).exceeded).toMatchObject({ spent: 1 });
    });

    it("when one rule refuses, the reservations already made under the others are taken back", async () => {
      const gatewayId = freshGateway();
      const time = clock();
      const rules = [rule({ id: "roomy", limit: 10 }), rule({ id: "tight", limit: 0.5 })];
      const result = await store.reserve(
        "acct",
        gatewayId,
        bucketsOf(rules, request(), time.now()),
        0.6,
        time.now(),
      );
      expect(result.exceeded?.ruleId).toBe("tight");
      const roomy = await store.check(
        "acct",
        gatewayId,
        [rule({ id: "roomy", limit: 0 })],
        request(),
        time.now(),
      );
      expect(roomy.exceeded?.spent).toBe(0);
    });

    it("a zero bound writes nothing, is admitted until the budget is used up, and still adds a cost found later", async () => {
      const gatewayId = freshGateway();
      const time = clock();
      const rules = [rule({ limit: 0.5 })];
      const reserve = () =>
        store.reserve("acct", gatewayId, bucketsOf(rules, request(), time.now()), 0, time.now());

      const held = await reserve();
      expect(held.exceeded).toBeNull();
      await store.settle(held.holds, 0.5);
      expect((await reserve()).exceeded).toMatchObject({ ruleId: "r1", spent: 0.5 });
    });

    it("a settlement that finds its item expired and deleted recreates it with the TTL, so it goes again", async () => {
      const gatewayId = freshGateway();
      const time = clock();
      const rules = [rule({ limit: 1, window: 60 })];
      const held = await store.reserve(
        "acct",
        gatewayId,
        bucketsOf(rules, request(), time.now()),
        0.5,
        time.now(),
      );
      const key = held.holds[0]?.key ?? { pk: "", sk: "" };
      await dynamo.documentClient.send(new DeleteCommand({ TableName: tableName, Key: key }));
      await store.settle(held.holds, 0.1);
      const { Item } = await dynamo.documentClient.send(new GetCommand({ TableName: tableName, Key: key }));
      const index = Math.floor(time.now() / 1000 / 60);
      expect(Item).toMatchObject({ spent_nano: -400_000_000, expires_at: (index + 2) * 60 + 60 });
    });

    it("a reservation that is never settled stops counting when its window ends", async () => {
      const gatewayId = freshGateway();
      const time = clock();
      const rules = [rule({ limit: 1, window: 60 })];
      const reserve = () =>
        store.reserve("acct", gatewayId, bucketsOf(rules, request(), time.now()), 0.8, time.now());

      expect((await reserve()).exceeded).toBeNull(); // its process dies: no settlement
      expect((await reserve()).exceeded).not.toBeNull();
      time.advance(60_000);
      expect((await reserve()).exceeded).toBeNull();
    });
  });

  describe("reserveSpend, the proxy's call", () => {
    const warnings: string[] = [];
    const logger = { warn: (message: string) => warnings.push(message) };
    const input = (gatewayId: string, limits: SpendLimits | null, headers: Record<string, string> = {}) => ({
      accountId: "acct",
      gatewayId,
      limits,
      request: request({ model: "gpt-4o-mini", metadata: { user: "alice" } }),
      // 56 bytes; 10 output tokens at most.
      body: new TextEncoder().encode(JSON.stringify({ model: "gpt-4o-mini", max_tokens: 10, messages: [] })),
      headers: new Headers(headers),
      nowMs: Date.UTC(2026, 10, 25, 12, 0, 30),
    });
    const priced = { "cf-aig-custom-cost": JSON.stringify({ per_token_in: 0, per_token_out: 0.01 }) };

    it("reserves the bound and settles to the real cost, refusing with 429 / 2041 what does not fit", async () => {
      const gatewayId = freshGateway();
      const limits: SpendLimits = {
        enabled: true,
        rules: [
          rule({
            id: "per-user",
            limit: 0.25,
            technique: "sliding",
            metadata: { user: { mode: "partition" } },
          }),
        ],
      };
      // The bound: 10 output tokens at $0.01 = $0.10; each request really costs $0.05.
      const first = await reserveSpend(store, logger, input(gatewayId, limits, priced));
      const second = await reserveSpend(store, logger, input(gatewayId, limits, priced));
      const refusal = await reserveSpend(store, logger, input(gatewayId, limits, priced)).catch(
        (e: unknown) => e,
      );
      expect(refusal).toBeInstanceOf(GatewayError);
      expect(refusal).toMatchObject({
        status: 429,
        code: 2041,
        message:
          "Spend limit exceeded: rule 'per-user' (cost limit 0.25 per 60s, sliding) for openai gpt-4o-mini",
      });

      await first?.settle(0.05);
      await first?.settle(5); // only the first settlement counts
      await second?.settle(0.05);
      // 0.10 spent: another $0.10 bound fits.
      expect(await reserveSpend(store, logger, input(gatewayId, limits, priced))).not.toBeNull();
    });

    it("settles to a log event's cost, except a response cut before usage was reported, which keeps its bound", async () => {
      const gatewayId = freshGateway();
      const limits: SpendLimits = { enabled: true, rules: [rule({ limit: 0.15 })] };
      const event = { cost: null, status_code: 200, client_aborted: false, error: null };
      const spent = async () =>
        (
          await store.check(
            "acct",
            gatewayId,
            [rule({ limit: 0 })],
            request(),
            Date.UTC(2026, 10, 25, 12, 0, 30),
          )
        ).exceeded?.spent;

      // $0.10 reserved each time (10 output tokens at $0.01).
      await (await reserveSpend(store, logger, input(gatewayId, limits, priced)))?.settleEvent({
        ...event,
        cost: 0.05,
      });
      expect(await spent()).toBe(0.05);
      await (await reserveSpend(store, logger, input(gatewayId, limits, priced)))?.settleEvent({
        ...event,
        status_code: 502,
      });
      expect(await spent()).toBe(0.05);
      await (await reserveSpend(store, logger, input(gatewayId, limits, priced)))?.settleEvent({
        ...event,
        client_aborted: true,
      });
      expect(await spent()).toBe(0.15);
    });

    it("holds nothing when spend limits are off or no rule applies, and fails open (logging) when storage fails", async () => {
      const gatewayId = freshGateway();
      expect(
        await reserveSpend(store, logger, input(gatewayId, { enabled: false, rules: [rule({ limit: 0 })] })),
      ).toBeNull();
      expect(await reserveSpend(store, logger, input(gatewayId, null))).toBeNull();
      expect(
        await reserveSpend(null, logger, input(gatewayId, { enabled: true, rules: [rule({ limit: 0 })] })),
      ).toBeNull();
      const otherModel = {
        enabled: true,
        rules: [rule({ limit: 0, model: { mode: "filter" as const, values: ["o3"] } })],
      };
      expect(await reserveSpend(store, logger, input(gatewayId, otherModel))).toBeNull();

      const broken = new SpendStore(dynamo.documentClient, "no-such-table", { cacheMs: 0 });
      warnings.length = 0;
      const reservation = await reserveSpend(
        broken,
        logger,
        input(gatewayId, { enabled: true, rules: [rule({ limit: 1 })] }, priced),
      );
      expect(reservation).not.toBeNull();
      expect(warnings).toEqual(["spend limits unavailable; request let through"]);
      await reservation?.settle(0.05);
      expect(warnings).toContain("spend reservation could not be settled");
    });
  });
});
