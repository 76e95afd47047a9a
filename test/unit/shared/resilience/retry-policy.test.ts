import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import {
  backoffDelay,
  isRetryableStatus,
  resolveRetryPolicy,
  retryAfterMs,
} from "../../../../shared/resilience/retry-policy.ts";

const noDefaults = { retry_max_attempts: null, retry_delay: null, retry_backoff: null };

describe("resolveRetryPolicy", () => {
  it("defaults to one attempt without a gateway setting", () => {
    expect(resolveRetryPolicy(new Headers(), noDefaults)).toEqual({
      maxAttempts: 1,
      delayMs: 0,
      backoff: "constant",
    });
  });

  it("takes the gateway's settings, and request headers over them", () => {
    const gateway = { retry_max_attempts: 3, retry_delay: 500, retry_backoff: "linear" as const };
    expect(resolveRetryPolicy(new Headers(), gateway)).toEqual({
      maxAttempts: 3,
      delayMs: 500,
      backoff: "linear",
    });
    const headers = new Headers({
      "cf-aig-max-attempts": "5",
      "cf-aig-retry-delay": "0",
      "cf-aig-backoff": "Exponential",
    });
    expect(resolveRetryPolicy(headers, gateway)).toEqual({
      maxAttempts: 5,
      delayMs: 0,
      backoff: "exponential",
    });
  });

  it.each([
    ["cf-aig-max-attempts", "0"],
    ["cf-aig-max-attempts", "6"],
    ["cf-aig-max-attempts", "two"],
    ["cf-aig-retry-delay", "5001"],
    ["cf-aig-retry-delay", "-1"],
    ["cf-aig-backoff", "random"],
  ])("refuses %s: %s with a 400 naming the header", (name, value) => {
    const attempt = () => resolveRetryPolicy(new Headers({ [name]: value }), noDefaults);
    expect(attempt).toThrow(GatewayError);
    expect(attempt).toThrow(name);
    try {
      attempt();
    } catch (error) {
      expect((error as GatewayError).status).toBe(400);
    }
  });
});

describe("backoffDelay", () => {
  it.each([
    ["constant", [100, 100, 100, 100]],
    ["linear", [100, 200, 300, 400]],
    ["exponential", [100, 200, 400, 800]],
  ] as const)("%s gives the documented shape for attempts 2-5", (backoff, expected) => {
    const policy = { maxAttempts: 5, delayMs: 100, backoff };
    expect([2, 3, 4, 5].map((next) => backoffDelay(policy, next))).toEqual(expected);
  });
});

describe("isRetryableStatus", () => {
  it("retries 408, 429 and 5xx only", () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 401, 403, 404, 422].some(isRetryableStatus)).toBe(false);
  });
});

describe("retryAfterMs", () => {
  it("reads seconds and HTTP dates", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs("1", now)).toBe(1000);
    expect(retryAfterMs("0.5", now)).toBe(500);
    expect(retryAfterMs("Thu, 01 Jan 2026 00:00:03 GMT", now)).toBe(3000);
    expect(retryAfterMs("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs("soon", now)).toBeNull();
  });
});
