import { describe, expect, it } from "vitest";
import { ERROR_CODES, GatewayError } from "../../../../shared/core/gateway-error.ts";
import type { UpstreamCall } from "../../../../shared/core/upstream-fetch.ts";
import { callWithRetries, type FailedAttempt } from "../../../../shared/resilience/retry-loop.ts";
import type { RetryPolicy } from "../../../../shared/resilience/retry-policy.ts";

/** A clock that only moves when the loop sleeps: delays are observed, never waited for. */
function harness(answers: (() => Response | GatewayError)[], policy: RetryPolicy, budget = Infinity) {
  let time = 1_000_000;
  const sleeps: number[] = [];
  const failures: FailedAttempt[] = [];
  const timeouts: number[] = [];
  let calls = 0;
  const run = () =>
    callWithRetries({
      policy,
      timeoutMs: 30_000,
      budget: () => budget - (time - 1_000_000),
      sleep: async (ms) => {
        sleeps.push(ms);
        time += ms;
      },
      now: () => time,
      monotonic: () => time,
      call: async (timeoutMs): Promise<UpstreamCall> => {
        timeouts.push(timeoutMs);
        const answer = answers[Math.min(calls++, answers.length - 1)]?.();
        if (answer instanceof GatewayError) throw answer;
        return { response: answer as Response, abort: () => {} };
      },
      onFailedAttempt: async (failure) => {
        failures.push(failure);
      },
    });
  return { run, sleeps, failures, timeouts, calls: () => calls };
}

const status =
  (code: number, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify({ error: code }), { status: code, headers });
const unreachable = () =>
  new GatewayError({ status: 502, code: ERROR_CODES.upstreamUnavailable, message: "down", retryable: true });

describe("callWithRetries", () => {
  it("retries 5xx until an answer, sleeping the backoff between attempts", async () => {
    const h = harness([status(503), status(500), status(200)], {
      maxAttempts: 5,
      delayMs: 100,
      backoff: "exponential",
    });
    const { call, attempt } = await h.run();
    expect(call.response.status).toBe(200);
    expect(attempt).toBe(3);
    expect(h.sleeps).toEqual([100, 200]);
    expect(h.failures.map((f) => [f.attempt, f.status])).toEqual([
      [1, 503],
      [2, 500],
    ]);
    // The failed attempt's body is kept for its log row.
    expect(new TextDecoder().decode(h.failures[0]?.body ?? new Uint8Array())).toBe('{"error":503}');
  });

  it.each([
    ["constant", [50, 50, 50, 50]],
    ["linear", [50, 100, 150, 200]],
    ["exponential", [50, 100, 200, 400]],
  ] as const)("%s backoff over five attempts", async (backoff, expected) => {
    const h = harness([status(500)], { maxAttempts: 5, delayMs: 50, backoff });
    const { call, attempt } = await h.run();
    // Out of attempts: the last failure goes back to the client as it is.
    expect(call.response.status).toBe(500);
    expect(attempt).toBe(5);
    expect(h.sleeps).toEqual(expected);
  });

  it("does not retry a success or a client error", async () => {
    for (const code of [200, 400, 401, 404]) {
      const h = harness([status(code)], { maxAttempts: 5, delayMs: 10, backoff: "constant" });
      expect((await h.run()).attempt).toBe(1);
      expect(h.calls()).toBe(1);
    }
  });

  it("retries 408 and 429, honouring retry-after (seconds) when longer than the backoff", async () => {
    const h = harness([status(429, { "retry-after": "2" }), status(408), status(200)], {
      maxAttempts: 3,
      delayMs: 100,
      backoff: "constant",
    });
    expect((await h.run()).attempt).toBe(3);
    expect(h.sleeps).toEqual([2000, 100]);
  });

  it("reads retry-after as an HTTP date", async () => {
    const at = new Date(1_000_000 + 3_000).toUTCString();
    const h = harness([status(503, { "retry-after": at }), status(200)], {
      maxAttempts: 2,
      delayMs: 0,
      backoff: "constant",
    });
    await h.run();
    // HTTP dates have whole seconds: the wait is within a second of the date.
    expect(h.sleeps[0]).toBeGreaterThan(2_000);
    expect(h.sleeps[0]).toBeLessThanOrEqual(3_000);
  });

  it("passes a retry-after beyond the cap back to the client instead of waiting", async () => {
    const h = harness([status(429, { "retry-after": "3600" }), status(200)], {
      maxAttempts: 3,
      delayMs: 0,
      backoff: "constant",
    });
    const { call, attempt } = await h.run();
    expect([call.response.status, attempt, h.sleeps.length]).toEqual([429, 1, 0]);
  });

  it("retries connection errors and timeouts, then throws the last one", async () => {
    const h = harness([unreachable], { maxAttempts: 3, delayMs: 10, backoff: "linear" });
    await expect(h.run()).rejects.toMatchObject({ status: 502 });
    expect(h.calls()).toBe(3);
    expect(h.sleeps).toEqual([10, 20]);
    expect(h.failures.map((f) => f.error?.code)).toEqual([
      ERROR_CODES.upstreamUnavailable,
      ERROR_CODES.upstreamUnavailable,
    ]);
  });

  it("caps each attempt's timeout by the remaining budget and stops retrying when a wait would pass it", async () => {
    const h = harness([status(500)], { maxAttempts: 5, delayMs: 400, backoff: "constant" }, 1_000);
    const { call, attempt } = await h.run();
    expect(call.response.status).toBe(500);
    // 1000 ms of budget: attempt 1, wait 400, attempt 2, then a 400 ms wait would leave too little.
    expect(attempt).toBe(3);
    expect(h.timeouts).toEqual([1_000, 600, 200]);
  });

  it("turns a timeout caused by the deadline into the gateway's own 504", async () => {
    const timeout = () =>
      new GatewayError({ status: 504, code: ERROR_CODES.upstreamTimeout, message: "slow", retryable: true });
    const h = harness([timeout], { maxAttempts: 1, delayMs: 0, backoff: "constant" }, 500);
    await expect(h.run()).rejects.toThrow("before its own time limit");
  });

  it("answers 504 at once when no budget is left", async () => {
    const h = harness([status(200)], { maxAttempts: 1, delayMs: 0, backoff: "constant" }, 0);
    await expect(h.run()).rejects.toMatchObject({ status: 504 });
    expect(h.calls()).toBe(0);
  });
});
