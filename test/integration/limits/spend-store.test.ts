import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayError } from "../../../shared/core/gateway-error.ts";
import { type SpendRequest, type SpendRule, spendBucketsFor } from "../../../shared/limits/spend-buckets.ts";
import {
  enforceSpendLimits,
  gatewaySpendLimits,
  recordSpend,
} from "../../../shared/limits/spend-enforcement.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
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

  it("gatewaySpendLimits reads a gateway's rules through a short cache", async () => {
    let reads = 0;
    const rules: SpendLimits = { enabled: true, rules: [rule()] };
    const gateways = {
      get: async (_account: string, gatewayId: string) => {
        reads += 1;
        if (gatewayId === "off") return { spend_limits: { enabled: false, rules: [rule()] } } as never;
        return gatewayId === "on" ? ({ spend_limits: rules } as never) : undefined;
      },
    };
    const limitsOf = gatewaySpendLimits(gateways, 30_000, () => 0);
    expect(await limitsOf("acct", "on")).toBe(rules);
    expect(await limitsOf("acct", "on")).toBe(rules);
    expect(await limitsOf("acct", "off")).toBeNull();
    expect(await limitsOf("acct", "missing")).toBeNull();
    expect(reads).toBe(3);
  });

  describe("the ready-made call sites", () => {
    function logEvent(gatewayId: string, overrides: Partial<LogEvent> = {}): LogEvent {
      return {
        id: "log-1",
        account_id: "acct",
        gateway_id: gatewayId,
        created_at: new Date(Date.UTC(2026, 10, 25, 12, 0, 5)).toISOString(),
        provider: "openai",
        model: "gpt-4o",
        path: "/v1/acct/gw/openai/chat/completions",
        method: "POST",
        status_code: 200,
        success: true,
        cached: false,
        duration: 10,
        time_to_first_byte: 5,
        cost: 0.6,
        tokens_in: 10,
        tokens_out: 10,
        cache_read_tokens: null,
        cache_write_tokens: null,
        metadata: { user: "alice" },
        event_id: "e",
        request_id: "r",
        request_content_type: "application/json",
        response_content_type: "application/json",
        request_size: 1,
        response_size: 1,
        user_agent: null,
        client_aborted: false,
        error: null,
        request_body: null,
        response_body: null,
        ...overrides,
      };
    }

    it("recordSpend after each stored log, then enforceSpendLimits refuses with 429 / 2041", async () => {
      const gatewayId = freshGateway();
      const spendLimits: SpendLimits = {
        enabled: true,
        rules: [
          rule({ id: "per-user", limit: 1, technique: "sliding", metadata: { user: { mode: "partition" } } }),
        ],
      };
      const now = Date.UTC(2026, 10, 25, 12, 0, 30);
      const alice = { provider: "openai", model: "gpt-4o", metadata: { user: "alice" } };

      expect(await recordSpend(store, spendLimits, logEvent(gatewayId))).toBe(true);
      await enforceSpendLimits(store, "acct", gatewayId, spendLimits, alice, now);
      await recordSpend(store, spendLimits, logEvent(gatewayId, { id: "log-2" }));
      expect(
        await recordSpend(store, spendLimits, logEvent(gatewayId, { id: "cached", cached: true, cost: 5 })),
      ).toBe(false);
      expect(await recordSpend(store, spendLimits, logEvent(gatewayId, { id: "unpriced", cost: null }))).toBe(
        false,
      );
      expect(await recordSpend(store, null, logEvent(gatewayId, { id: "off" }))).toBe(false);

      const refusal = await enforceSpendLimits(store, "acct", gatewayId, spendLimits, alice, now).catch(
        (e: unknown) => e,
      );
      expect(refusal).toBeInstanceOf(GatewayError);
      expect(refusal).toMatchObject({
        status: 429,
        code: 2041,
        message: "Spend limit exceeded: rule 'per-user' (cost limit 1 per 60s, sliding) for openai gpt-4o",
      });
      await enforceSpendLimits(
        store,
        "acct",
        gatewayId,
        spendLimits,
        { ...alice, metadata: { user: "bob" } },
        now,
      );
    });

    it("does nothing when spend limits are off, and fails open (reporting) when storage fails", async () => {
      const gatewayId = freshGateway();
      const spendLimits: SpendLimits = { enabled: false, rules: [rule({ limit: 0 })] };
      await enforceSpendLimits(store, "acct", gatewayId, spendLimits, request(), Date.now());

      const broken = new SpendStore(dynamo.documentClient, "no-such-table", { cacheMs: 0 });
      const errors: unknown[] = [];
      await enforceSpendLimits(
        broken,
        "acct",
        gatewayId,
        { enabled: true, rules: [rule({ limit: 0 })] },
        request(),
        Date.now(),
        (error) => errors.push(error),
      );
      expect(errors).toHaveLength(1);
    });
  });
});
