import type { RequestRecord } from "../core/build-log-event.ts";
import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import { enforceRateLimit } from "../limits/rate-limit-stage.ts";
import type { SpendRequest } from "../limits/spend-buckets.ts";
import { reserveSpend } from "../limits/spend-enforcement.ts";
import type { Gateway } from "../schemas/gateway.ts";
import type { RequestState } from "./request-state.ts";

/** One provider call about to be made: which provider, and what the spend rules match on. */
export interface LimitedCall {
  provider: string;
  /** A function is called only when the gateway has spend rules (the native surface parses the body). */
  spendRequest: SpendRequest | (() => SpendRequest);
}

/**
 * The limits stage, run right before a provider is called (never for a cache hit, which does not reach
 * the provider: docs/rate-limiting.md). The gateway rate limit is counted once per request, whatever the
 * number of calls; the spend of the call is reserved, after the reservation of a call it replaces (a
 * dynamic route's failed model, which cost nothing) is given back; then the upstream span starts.
 * Answers the rate-limit headers for the response; throws the 429 of either limit.
 */
export async function enterLimits(
  deps: ProxyDependencies,
  state: RequestState,
  admitted: { record: RequestRecord; gateway: Gateway },
  call: LimitedCall,
): Promise<Record<string, string>> {
  const { record, gateway } = admitted;
  state.limitHeaders ??= await enforceRateLimit(record.accountId, gateway, deps);
  await state.spend?.settle(null);
  state.spend = await reserveSpend(deps.spend, deps.logger, {
    accountId: record.accountId,
    gatewayId: record.gatewayId,
    limits: gateway.spend_limits,
    request: call.spendRequest,
    body: record.requestBody,
    headers: record.requestHeaders,
    nowMs: deps.clock.now(),
  });
  state.upstreamSpan = deps.observer?.upstreamStarted(call.provider) ?? null;
  state.upstreamStartedAt = deps.clock.monotonic();
  return state.limitHeaders;
}
