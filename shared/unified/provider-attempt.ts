import type { RequestCache } from "../cache/request-cache.ts";
import type { RequestRecord, ResponseRecord } from "../core/build-log-event.ts";
import type { ExecutionContext } from "../core/execution-context.ts";
import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import type { UpstreamSpan } from "../observability/request-observer.ts";
import type { RowExtras } from "../pipeline/complete-request.ts";
import { enterLimits } from "../pipeline/limits-stage.ts";
import type { RequestState } from "../pipeline/request-state.ts";
import { callUpstream, logFailedAttempt } from "../pipeline/upstream-stage.ts";
import type { RetryPolicy } from "../resilience/retry-policy.ts";
import type { Gateway } from "../schemas/gateway.ts";
import { callOperation } from "./call-operation.ts";
import type { CallerFormat } from "./caller-format.ts";
import type { ProviderCallResult } from "./provider-call-types.ts";
import type { UnifiedOperation } from "./unified-path.ts";

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
  state: RequestState;
}

/** One provider call: the body in the operation's shape, and how it is tried. */
export interface ProviderAttempt {
  body: unknown;
  policy: RetryPolicy;
  timeoutMs: number;
  /** false: a dynamic route's model, which spends the gateway's stored keys only. */
  useClientKey: boolean;
  cache: RequestCache | null;
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
      named: (provider, providerModel) => {
        record.providerSlug = provider;
        state.model = providerModel;
      },
      beforeUpstream: async (provider, providerModel, restPath, cached) => {
        record.providerSlug = provider;
        record.restPath = restPath;
        state.model = providerModel;
        // A hit never reaches the provider: no rate limit, no spend check, no upstream span.
        if (cached) return {};
        return enterLimits(
          deps,
          state,
          { record, gateway },
          {
            provider,
            spendRequest: { provider, model: providerModel, metadata: record.options.metadata },
          },
        );
      },
      send: (send) =>
        callUpstream({ ...context, attemptsBefore: 0 }, call, send, (attempt, response) =>
          logFailedRow(context, attempt, rowFields, response),
        ),
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
  logFailedAttempt(context, attempt, response, {
    namedModel: context.state.model,
    upstreamSpan: span,
    extras: { fields },
  });
}
