import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RateLimitPolicy } from "../../../shared/limits/rate-limit-policy.ts";
import { enforceRateLimit, rateLimitFailOpens } from "../../../shared/limits/rate-limit-stage.ts";
import { RateLimiter } from "../../../shared/limits/rate-limiter.ts";
import { defaultGateway, type Gateway } from "../../../shared/schemas/gateway.ts";
import { RateLimitStore } from "../../../shared/store/rate-limit-store.ts";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { recordingLogger } from "../../support/recording-logger.ts";

let dynamo: RunningDynamo;
let store: RateLimitStore;
let now = Date.parse("2026-11-25T12:00:00Z");
const clock = () => now;

beforeAll(async () => {
  dynamo = await startDynamo("dynamodb-local");
  store = new RateLimitStore(dynamo.documentClient, await dynamo.createTable("state"));
});

afterAll(async () => {
  await dynamo?.stop();
});

const fixed: RateLimitPolicy = { limit: 10, intervalSeconds: 60, technique: "fixed", failClosed: false };

function limitedGateway(settings: Partial<Gateway>): Gateway {
  return {
    ...defaultGateway("limited", new Date(0)),
    rate_limiting_limit: 10,
    rate_limiting_interval: 60,
    ...settings,
  };
}

describe("RateLimiter, fixed windows, on DynamoDB Local", () => {
  it("admits exactly 10 of 100 concurrent requests on a limit of 10", async () => {
    const limiter = new RateLimiter(store, clock);
    const decisions = await Promise.all(
      Array.from({ length: 100 }, () => limiter.check("RATE#a#fixed", fixed)),
    );
    const admitted = decisions.filter((decision) => decision.allowed);
    expect(admitted).toHaveLength(10);
    expect(admitted.map((decision) => decision.remaining).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    for (const refused of decisions.filter((decision) => !decision.allowed)) {
      expect(refused.remaining).toBe(0);
      expect(refused.resetSeconds).toBeGreaterThan(0);
      expect(refused.resetSeconds).toBeLessThanOrEqual(60);
    }
  });

  it("aligns windows to the calendar and admits again in the next window", async () => {
    const limiter = new RateLimiter(store, clock);
    now = Date.parse("2026-11-25T12:05:50Z");
    for (let index = 0; index < 10; index++)
      expect((await limiter.check("RATE#a#calendar", fixed)).allowed).toBe(true);
    const refused = await limiter.check("RATE#a#calendar", fixed);
    expect(refused).toMatchObject({ allowed: false, resetSeconds: 10 });
    now = Date.parse("2026-11-25T12:06:00Z");
    expect(await limiter.check("RATE#a#calendar", fixed)).toMatchObject({ allowed: true, remaining: 9 });
  });

  it("keeps separate counts per gateway", async () => {
    const limiter = new RateLimiter(store, clock);
    for (let index = 0; index < 10; index++) await limiter.check("RATE#a#one", fixed);
    expect((await limiter.check("RATE#a#one", fixed)).allowed).toBe(false);
    expect((await limiter.check("RATE#a#two", fixed)).allowed).toBe(true);
  });
});

describe("RateLimiter, sliding window, on DynamoDB Local", () => {
  const sliding: RateLimitPolicy = {
    limit: 10,
    intervalSeconds: 60,
    technique: "sliding",
    failClosed: false,
  };

  it("admits exactly the limit among concurrent requests too", async () => {
    const limiter = new RateLimiter(store, clock);
    const decisions = await Promise.all(
      Array.from({ length: 100 }, () => limiter.check("RATE#s#burst", sliding)),
    );
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
  });

  it("frees capacity bucket by bucket as old requests leave the window", async () => {
    const limiter = new RateLimiter(store, clock);
    now = Date.parse("2026-11-25T13:00:00Z");
    for (let index = 0; index < 5; index++) await limiter.check("RATE#s#roll", sliding);
    now += 30_000;
    for (let index = 0; index < 5; index++) await limiter.check("RATE#s#roll", sliding);
    const refused = await limiter.check("RATE#s#roll", sliding);
    // The first five leave once their bucket (6 s long) is wholly out of the window: 36 s later.
    expect(refused).toMatchObject({ allowed: false, resetSeconds: 36 });
    now += 35_000;
    expect((await limiter.check("RATE#s#roll", sliding)).allowed).toBe(false);
    now += 1_000;
    // Five left the window, five remain, this one makes six.
    expect(await limiter.check("RATE#s#roll", sliding)).toMatchObject({ allowed: true, remaining: 4 });
  });
});

describe("enforceRateLimit", () => {
  it("answers 429 with code 2003, Retry-After and the RateLimit fields once the window is full", async () => {
    const deps = { rateLimiter: new RateLimiter(store, clock), logger: recordingLogger() };
    const gateway = limitedGateway({ id: "full", rate_limiting_limit: 1 });
    expect(await enforceRateLimit("acct", gateway, deps)).toMatchObject({
      "ratelimit-policy": '"default";q=1;w=60',
      ratelimit: expect.stringMatching(/^"default";r=0;t=\d+$/),
    });
    const refused = await enforceRateLimit("acct", gateway, deps).catch((error: unknown) => error);
    expect(refused).toMatchObject({
      status: 429,
      code: 2003,
      headers: { "retry-after": expect.stringMatching(/^\d+$/), "ratelimit-policy": '"default";q=1;w=60' },
    });
  });

  it("adds nothing and reads nothing when the gateway has no limit", async () => {
    const unreachable = new RateLimiter({
      incrementBelow: () => Promise.reject(new Error("must not be called")),
      read: () => Promise.reject(new Error("must not be called")),
    });
    const logger = recordingLogger();
    expect(
      await enforceRateLimit("acct", defaultGateway("open", new Date(0)), {
        rateLimiter: unreachable,
        logger,
      }),
    ).toEqual({});
    expect(logger.lines).toEqual([]);
  });

  describe("when DynamoDB cannot be reached", () => {
    const offline = () => {
      const client = new DynamoDBClient({
        endpoint: "http://127.0.0.1:9",
        region: "us-east-1",
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
        maxAttempts: 1,
      });
      return new RateLimiter(new RateLimitStore(DynamoDBDocumentClient.from(client), "state"));
    };

    it("fails open: lets the request through, warns and counts it", async () => {
      const logger = recordingLogger();
      const before = rateLimitFailOpens.count;
      let counted = 0;
      const headers = await enforceRateLimit("acct", limitedGateway({}), {
        rateLimiter: offline(),
        logger,
        onRateLimitFailOpen: () => counted++,
      });
      expect(headers).toEqual({});
      expect(rateLimitFailOpens.count).toBe(before + 1);
      expect(counted).toBe(1);
      expect(logger.lines).toContainEqual(
        expect.objectContaining({ level: "warn", message: "rate limit check failed open" }),
      );
    });

    it("fails closed with a 503 when the gateway says so", async () => {
      const refused = await enforceRateLimit("acct", limitedGateway({ rate_limiting_fail_closed: true }), {
        rateLimiter: offline(),
        logger: recordingLogger(),
      }).catch((error: unknown) => error);
      expect(refused).toMatchObject({ status: 503, code: 7012 });
    });
  });
});
