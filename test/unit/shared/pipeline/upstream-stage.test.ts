import { describe, expect, it } from "vitest";
import type { RequestRecord, ResponseRecord } from "../../../../shared/core/build-log-event.ts";
import type { ProxyDependencies } from "../../../../shared/core/proxy-dependencies.ts";
import { newRequestState } from "../../../../shared/pipeline/request-state.ts";
import { callUpstream } from "../../../../shared/pipeline/upstream-stage.ts";

let now = 0;
const deps = {
  clock: { now: () => now, monotonic: () => now },
  sleep: async (ms: number) => {
    now += ms;
  },
} as unknown as ProxyDependencies;

/** A provider that answers 503 `failures` times, then 200. */
function flakyProvider(failures: number) {
  let calls = 0;
  return async () => {
    calls += 1;
    const status = calls <= failures ? 503 : 200;
    return { response: new Response(status === 200 ? "ok" : "busy", { status }), abort: () => {} };
  };
}

function context(attemptsBefore: number) {
  const record = { id: "row", attempt: attemptsBefore + 1 } as RequestRecord;
  return {
    deps,
    execution: { waitUntil: () => {} },
    state: newRequestState(),
    record,
    collect: true,
    attemptsBefore,
  };
}

const policy = { maxAttempts: 3, delayMs: 10, backoff: "constant" as const };

describe("callUpstream (the upstream stage)", () => {
  it("retries, numbers each attempt, and hands each failed one on with its number", async () => {
    const upstream = context(0);
    const failed: { attempt: number; response: ResponseRecord }[] = [];
    const call = await callUpstream(
      upstream,
      { policy, timeoutMs: 1_000 },
      flakyProvider(2),
      (attempt, response) => failed.push({ attempt, response }),
    );
    expect(call.response.status).toBe(200);
    expect(upstream.state.attemptsMade).toBe(3);
    expect(upstream.record.attempt).toBe(3);
    expect(failed.map(({ attempt, response }) => [attempt, response.status])).toEqual([
      [1, 503],
      [2, 503],
    ]);
  });

  it("numbers attempts after those of earlier universal steps", async () => {
    const upstream = context(4);
    const failed: number[] = [];
    await callUpstream(upstream, { policy, timeoutMs: 1_000 }, flakyProvider(1), (attempt) =>
      failed.push(attempt),
    );
    expect(failed).toEqual([5]);
    expect(upstream.record.attempt).toBe(6);
  });

  it("numbers a second call of the same request after the first one's attempts (a route's next model)", async () => {
    const upstream = context(0);
    const failed: number[] = [];
    await callUpstream(upstream, { policy, timeoutMs: 1_000 }, flakyProvider(1), (attempt) =>
      failed.push(attempt),
    );
    await callUpstream(upstream, { policy, timeoutMs: 1_000 }, flakyProvider(1), (attempt) =>
      failed.push(attempt),
    );
    expect(failed).toEqual([1, 3]);
    expect(upstream.record.attempt).toBe(4);
  });
});
