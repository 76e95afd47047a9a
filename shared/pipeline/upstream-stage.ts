import { v7 as uuidv7 } from "uuid";
import type { RequestRecord, ResponseRecord } from "../core/build-log-event.ts";
import type { ExecutionContext } from "../core/execution-context.ts";
import { LOG_BODY_CAPTURE_LIMIT } from "../core/log-bodies.ts";
import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import type { UpstreamCall } from "../core/upstream-fetch.ts";
import { failedAttemptResponse } from "../resilience/attempt-log.ts";
import { DEFAULT_DEADLINE_MARGIN_MS, remainingBudget } from "../resilience/deadline.ts";
import { callWithRetries } from "../resilience/retry-loop.ts";
import type { RetryPolicy } from "../resilience/retry-policy.ts";
import { realSleep } from "../resilience/sleep.ts";
import { type CompletedRow, completeRequest } from "./complete-request.ts";
import type { RequestState } from "./request-state.ts";

/** What every provider call of one request shares for its retries and its failed attempts' rows. */
export interface UpstreamContext {
  deps: ProxyDependencies;
  execution: ExecutionContext;
  state: RequestState;
  /** The request's row; its attempt number follows the call being made. */
  record: RequestRecord;
  /** Whether the gateway keeps this request's logs. */
  collect: boolean;
  /** Attempts made before this request began (a universal request's earlier steps); 0 elsewhere. */
  attemptsBefore: number;
}

/**
 * The upstream stage: one provider call with its retries (shared/resilience/retry-loop.ts), each attempt
 * capped by what is left of the Lambda deadline. Attempts are numbered across the request (its earlier
 * calls and universal steps); every attempt that does not answer is handed to `logFailed` with its number,
 * as a row of its own, without holding up the next attempt. Answers the call to pass on.
 */
export async function callUpstream(
  context: UpstreamContext,
  retry: { policy: RetryPolicy; timeoutMs: number },
  send: (timeoutMs: number) => Promise<UpstreamCall>,
  logFailed: (attempt: number, response: ResponseRecord) => void,
): Promise<UpstreamCall> {
  const { deps, state, record } = context;
  const before = context.attemptsBefore + state.attemptsMade;
  const { call } = await callWithRetries({
    policy: retry.policy,
    timeoutMs: retry.timeoutMs,
    budget: () =>
      remainingBudget(context.execution.remainingTimeMs, deps.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS),
    sleep: deps.sleep ?? realSleep,
    now: deps.clock.now,
    monotonic: deps.clock.monotonic,
    call: (timeoutMs) => {
      // Counted as calls are made, so a request whose last attempt throws still logs its attempt number.
      state.attemptsMade += 1;
      record.attempt = context.attemptsBefore + state.attemptsMade;
      return send(timeoutMs);
    },
    onFailedAttempt: async (failure) =>
      logFailed(
        before + failure.attempt,
        failedAttemptResponse(failure, context.collect ? LOG_BODY_CAPTURE_LIMIT : 0),
      ),
  });
  return call;
}

/**
 * The row of an attempt that did not answer the client: its own id, the request's id as request_id,
 * queued after the response as every row is. `row` adds what the surface knows (the named model, a route
 * node's fields, the attempt's span).
 */
export function logFailedAttempt(
  context: Pick<UpstreamContext, "deps" | "execution" | "record" | "collect">,
  attempt: number,
  response: ResponseRecord,
  row: Pick<CompletedRow, "namedModel" | "extras" | "upstreamSpan"> = { upstreamSpan: null },
): void {
  const { record } = context;
  context.execution.waitUntil(
    completeRequest(context.deps, {
      ...row,
      request: {
        ...record,
        id: uuidv7(),
        requestId: record.requestId ?? record.id,
        startedAt: response.upstreamStartedAt ?? record.startedAt,
        attempt,
      },
      collect: context.collect,
      response,
    }),
  );
}
