import { ERROR_CODES, toGatewayError } from "../core/gateway-error.ts";
import type { UpstreamCall } from "../core/upstream-fetch.ts";
import { deadlineExceeded } from "./deadline.ts";
import {
  backoffDelay,
  isRetryableStatus,
  MAX_RETRY_AFTER_MS,
  type RetryPolicy,
  retryAfterMs,
} from "./retry-policy.ts";
import type { Sleep } from "./sleep.ts";

/** One attempt that did not answer the client, for its own log row. */
export interface FailedAttempt {
  attempt: number;
  startedAt: number;
  /** Monotonic time the provider's response head came, or null when the call itself failed. */
  headersAt: number | null;
  endedAt: number;
  status: number;
  contentType: string | null;
  /** The provider's error body (already drained: it is not sent to the client). */
  body: Uint8Array | null;
  /** Set when the gateway failed the call (connection error, timeout), not the provider. */
  error: { code: number; message: string } | null;
}

export interface RetryLoopOptions {
  policy: RetryPolicy;
  /** First-byte timeout asked for (cf-aig-request-timeout or the deployment default). */
  timeoutMs: number;
  /** Milliseconds left before the handler must answer (Lambda deadline minus a margin). */
  budget: () => number;
  sleep: Sleep;
  now: () => number;
  monotonic: () => number;
  call: (timeoutMs: number) => Promise<UpstreamCall>;
  onFailedAttempt: (failure: FailedAttempt) => Promise<void>;
}

/**
 * Calls the provider until an answer is worth passing on: retries connection errors, timeouts, 408, 429
 * and 5xx while attempts and time remain, waiting the policy's backoff or the provider's retry-after
 * (whichever is longer). Only the response head is awaited here, so nothing has reached the client: a
 * response whose body has started flowing is never retried. The body is a buffer, so it replays as is.
 * Returns the call to pass on and its attempt number; throws the last gateway failure.
 */
export async function callWithRetries(
  options: RetryLoopOptions,
): Promise<{ call: UpstreamCall; attempt: number }> {
  const { policy } = options;
  for (let attempt = 1; ; attempt++) {
    const budget = options.budget();
    if (budget <= 0) throw deadlineExceeded();
    // The Lambda deadline caps each attempt: a provider slower than that ends in our 504, not a cut.
    const cappedByDeadline = budget < options.timeoutMs;
    const startedAt = options.monotonic();
    let call: UpstreamCall;
    try {
      call = await options.call(Math.min(options.timeoutMs, Math.max(1, Math.floor(budget))));
    } catch (caught) {
      let error = toGatewayError(caught);
      if (cappedByDeadline && error.code === ERROR_CODES.upstreamTimeout) error = deadlineExceeded();
      const wait = attempt < policy.maxAttempts && error.retryable ? backoffDelay(policy, attempt + 1) : null;
      if (wait === null || wait >= options.budget()) throw error;
      await options.onFailedAttempt({
        attempt,
        startedAt,
        headersAt: null,
        endedAt: options.monotonic(),
        status: error.status,
        contentType: "application/json",
        body: null,
        error: { code: error.code, message: error.message },
      });
      await options.sleep(wait);
      continue;
    }
    const headersAt = options.monotonic();
    const { response } = call;
    if (attempt >= policy.maxAttempts || !isRetryableStatus(response.status)) return { call, attempt };
    const after = retryAfterMs(response.headers.get("retry-after"), options.now());
    // A provider asking for a long pause: its answer goes back to the client rather than holding it.
    if (after !== null && after > MAX_RETRY_AFTER_MS) return { call, attempt };
    const wait = Math.max(backoffDelay(policy, attempt + 1), after ?? 0);
    if (wait >= options.budget()) return { call, attempt };
    const body = await response
      .arrayBuffer()
      .then((buffer) => new Uint8Array(buffer))
      .catch(() => null);
    await options.onFailedAttempt({
      attempt,
      startedAt,
      headersAt,
      endedAt: options.monotonic(),
      status: response.status,
      contentType: response.headers.get("content-type"),
      body,
      error: null,
    });
    await options.sleep(wait);
  }
}
