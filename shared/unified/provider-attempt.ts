import { v7 as uuidv7 } from "uuid";
import type { RequestRecord, ResponseRecord } from "../core/build-log-event.ts";
import type { ExecutionContext } from "../core/execution-context.ts";
import { LOG_BODY_CAPTURE_LIMIT } from "../core/log-bodies.ts";
import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import { enforceRateLimit } from "../limits/rate-limit-stage.ts";
import { reserveSpend, type SpendReservation } from "../limits/spend-enforcement.ts";
import type { UpstreamSpan } from "../observability/request-observer.ts";
import { completeRequest, type RowExtras } from "../pipeline/complete-request.ts";
import { failedAttemptResponse } from "../resilience/attempt-log.ts";
import { DEFAULT_DEADLINE_MARGIN_MS, remainingBudget } from "../resilience/deadline.ts";
import { callWithRetries } from "../resilience/retry-loop.ts";
import type { RetryPolicy } from "../resilience/retry-policy.ts";
import { realSleep } from "../resilience/sleep.ts";
import type { Gateway } from "../schemas/gateway.ts";
import { callOperation } from "./call-operation.ts";
import type { CallerFormat } from "./caller-format.ts";
import type { ProviderCallResult } from "./provider-call-types.ts";
import type { UnifiedCache } from "./unified-cache.ts";
import type { UnifiedOperation } from "./unified-path.ts";

/**
 * What a unified request learns while its provider calls run, and its last row and response read: the
 * provider and model called last, that call's upstream span, how many attempts were made, the gateway's
 * rate-limit headers, and what a dynamic route adds (row fields, `cf-aig-provider`/`cf-aig-model`).
 */
export interface UnifiedRequestState {
  model: string | null;
  upstreamSpan: UpstreamSpan | null;
  upstreamStartedAt: number | null;
  attemptsMade: number;
  /** Counted once per request: set by the first call that reaches a provider, or by a route up front. */
  limitHeaders: Record<string, string> | null;
  rowExtras: RowExtras;
  routeHeaders: Record<string, string>;
  /** The spend reserved for the provider call made last, settled with the request's last row. */
  spend: SpendReservation | null;
}

export function newRequestState(): UnifiedRequestState {
  return {
    model: null,
    upstreamSpan: null,
    upstreamStartedAt: null,
    attemptsMade: 0,
    limitHeaders: null,
    rowExtras: {},
    routeHeaders: {},
    spend: null,
  };
}

/** What every provider call of one unified request shares, fixed once the gateway and body are known. */
export interface AttemptContext {
  deps: ProxyDependencies;
  execution: ExecutionContext;
  /** The request's row; its provider, rest path and attempt number follow the call being made. */
  record: RequestRecord;
  gateway: Gateway;
  surface: "compat" | "rest";
  operation: UnifiedOperation;
  format: CallerFormat;
  /** Whether the gateway keeps this request's logs (the header may override the gateway setting). */
  collect: boolean;
  /** The stream idle timeout of every provider call (shared/resilience/stream-idle-timeout.ts). */
  streamIdleTimeoutMs: number;
  state: UnifiedRequestState;
}

/** One provider call: the body in the operation's shape, and how it is tried. */
export interface ProviderAttempt {
  body: unknown;
  policy: RetryPolicy;
  timeoutMs: number;
  /** false: a dynamic route's model, which spends the gateway's stored keys only. */
  useClientKey: boolean;
  cache: UnifiedCache | null;
}

/**
 * One provider call (with its retries). Before the provider is called the gateway rate limit and spend
 * limits are enforced (not for a cache hit); every attempt that does not answer is a log row of its own,
 * with `rowFields` (a route node's fields) on it.
 */
export function attemptProvider(
  context: AttemptContext,
  call: ProviderAttempt,
  rowFields: RowExtras["fields"],
): Promise<ProviderCallResult> {
  const { deps, record, gateway, state } = context;
  return callOperation(
    context.operation,
    call.body,
    {
      format: context.format,
      accountId: record.accountId,
      gateway,
      surface: context.surface,
      headers: record.requestHeaders,
      id: record.id,
      timeoutMs: call.timeoutMs,
      useClientKey: call.useClientKey,
      cache: call.cache,
      streamIdleTimeoutMs: context.streamIdleTimeoutMs,
      beforeUpstream: async (provider, providerModel, restPath, cached) => {
        record.providerSlug = provider;
        record.restPath = restPath;
        state.model = providerModel;
        // A hit never reaches the provider: no rate limit, no spend check, no upstream span.
        if (cached) return {};
        state.limitHeaders ??= await enforceRateLimit(record.accountId, gateway, deps);
        // A route's earlier call that is being replaced failed, so it cost nothing: its reservation goes back.
        await state.spend?.settle(null);
        state.spend = await reserveSpend(deps.spend, deps.logger, {
          accountId: record.accountId,
          gatewayId: gateway.id,
          limits: gateway.spend_limits,
          request: { provider, model: providerModel, metadata: record.options.metadata },
          body: record.requestBody,
          headers: record.requestHeaders,
          nowMs: deps.clock.now(),
        });
        state.upstreamSpan = deps.observer?.upstreamStarted(provider) ?? null;
        state.upstreamStartedAt = deps.clock.monotonic();
        return state.limitHeaders;
      },
      send: async (send) => {
        const before = state.attemptsMade;
        const { call: answered } = await callWithRetries({
          policy: call.policy,
          timeoutMs: call.timeoutMs,
          budget: () =>
            remainingBudget(
              context.execution.remainingTimeMs,
              deps.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS,
            ),
          sleep: deps.sleep ?? realSleep,
          now: deps.clock.now,
          monotonic: deps.clock.monotonic,
          call: (attemptTimeoutMs) => {
            state.attemptsMade += 1;
            record.attempt = state.attemptsMade;
            return send(attemptTimeoutMs);
          },
          onFailedAttempt: async (failure) =>
            logFailedRow(
              context,
              before + failure.attempt,
              rowFields,
              failedAttemptResponse(failure, context.collect ? LOG_BODY_CAPTURE_LIMIT : 0),
            ),
        });
        return answered;
      },
    },
    deps,
  );
}

/**
 * A row for an attempt that did not answer the client: its own id, the request's id as request_id, and
 * the model called at the time. Written after the response, as every row is.
 */
export function logFailedRow(
  context: AttemptContext,
  attempt: number,
  fields: RowExtras["fields"],
  response: ResponseRecord,
  span: UpstreamSpan | null = null,
): void {
  const { record } = context;
  context.execution.waitUntil(
    completeRequest(context.deps, {
      request: {
        ...record,
        id: uuidv7(),
        requestId: record.id,
        startedAt: response.upstreamStartedAt ?? record.startedAt,
        attempt,
      },
      namedModel: context.state.model,
      collect: context.collect,
      upstreamSpan: span,
      response,
      extras: { fields },
    }),
  );
}
