import { describe, expect, it } from "vitest";
import { rateLimitHeaders } from "../../../../shared/limits/rate-limit-headers.ts";
import { rateLimitPolicy } from "../../../../shared/limits/rate-limit-policy.ts";
import { defaultGateway } from "../../../../shared/schemas/gateway.ts";

const policy = { limit: 10, intervalSeconds: 60, technique: "fixed", failClosed: false } as const;

describe("rateLimitHeaders", () => {
  it("writes the IETF RateLimit-Policy and RateLimit fields for an admitted request", () => {
    expect(rateLimitHeaders(policy, { allowed: true, limit: 10, remaining: 7, resetSeconds: 42 })).toEqual({
      "ratelimit-policy": '"default";q=10;w=60',
      ratelimit: '"default";r=7;t=42',
    });
  });

  it("adds Retry-After when the request is refused", () => {
    expect(
      rateLimitHeaders(policy, { allowed: false, limit: 10, remaining: 0, resetSeconds: 5 }),
    ).toMatchObject({
      "retry-after": "5",
      ratelimit: '"default";r=0;t=5',
    });
  });
});

describe("rateLimitPolicy", () => {
  const gateway = defaultGateway("gw", new Date(0));

  it("is off when the limit or the interval is 0 or null", () => {
    expect(rateLimitPolicy(gateway)).toBeNull();
    expect(rateLimitPolicy({ ...gateway, rate_limiting_limit: 5, rate_limiting_interval: 0 })).toBeNull();
    expect(rateLimitPolicy({ ...gateway, rate_limiting_limit: null, rate_limiting_interval: 60 })).toBeNull();
  });

  it("defaults to the fixed technique and to failing open", () => {
    expect(
      rateLimitPolicy({
        ...gateway,
        rate_limiting_limit: 5,
        rate_limiting_interval: 60,
        rate_limiting_technique: null,
      }),
    ).toEqual({ limit: 5, intervalSeconds: 60, technique: "fixed", failClosed: false });
  });
});
