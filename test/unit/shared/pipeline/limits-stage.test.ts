import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../../../shared/core/build-log-event.ts";
import type { ProxyDependencies } from "../../../../shared/core/proxy-dependencies.ts";
import type { SpendReservation } from "../../../../shared/limits/spend-enforcement.ts";
import { enterLimits } from "../../../../shared/pipeline/limits-stage.ts";
import { newRequestState } from "../../../../shared/pipeline/request-state.ts";
import { defaultGateway } from "../../../../shared/schemas/gateway.ts";
import { recordingLogger } from "../../../support/recording-logger.ts";

const gateway = defaultGateway("gw", new Date("2026-12-01T00:00:00Z"));
const record = {
  accountId: "acct",
  gatewayId: "gw",
  requestBody: null,
  requestHeaders: new Headers(),
} as RequestRecord;

function deps(started: string[]) {
  return {
    logger: recordingLogger(),
    clock: { now: () => 0, monotonic: () => 7 },
    observer: {
      upstreamStarted: (provider: string) => {
        started.push(provider);
        return null;
      },
      requestCompleted: () => {},
    },
  } as unknown as ProxyDependencies;
}

describe("enterLimits (the limits stage)", () => {
  it("on a gateway without limits answers no headers, parses nothing for spend, and starts the upstream span", async () => {
    const started: string[] = [];
    const state = newRequestState();
    let spendRequestBuilt = false;
    const headers = await enterLimits(
      deps(started),
      state,
      { record, gateway },
      {
        provider: "openai",
        spendRequest: () => {
          spendRequestBuilt = true;
          return { provider: "openai", model: "gpt-4o", metadata: null };
        },
      },
    );
    expect(headers).toEqual({});
    expect(spendRequestBuilt).toBe(false);
    expect(started).toEqual(["openai"]);
    expect(state.upstreamStartedAt).toBe(7);
    expect(state.spend).toBeNull();
  });

  it("counts the rate limit once per request and gives back the reservation of the call it replaces", async () => {
    const started: string[] = [];
    const state = newRequestState();
    const settled: unknown[] = [];
    state.spend = { settle: async (cost: unknown) => void settled.push(cost) } as unknown as SpendReservation;
    state.limitHeaders = { ratelimit: "counted before" };
    const call = {
      provider: "anthropic",
      spendRequest: { provider: "anthropic", model: "m", metadata: null },
    };
    expect(await enterLimits(deps(started), state, { record, gateway }, call)).toEqual({
      ratelimit: "counted before",
    });
    expect(settled).toEqual([null]);
    expect(state.spend).toBeNull();
    expect(started).toEqual(["anthropic"]);
  });
});
