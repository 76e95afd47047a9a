import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";

/** Time kept back from the Lambda's deadline to answer the client and queue the log. */
export const DEFAULT_DEADLINE_MARGIN_MS = 1_500;

/**
 * What is left of the invocation for provider calls: the Lambda's remaining time minus a margin, so the
 * handler answers with its own 504 (and writes the log) before Lambda cuts the connection silently.
 * Infinity when no deadline is known (tests, local calls without a context).
 */
export function remainingBudget(remainingTimeMs: (() => number) | undefined, marginMs: number): number {
  return remainingTimeMs ? remainingTimeMs() - marginMs : Number.POSITIVE_INFINITY;
}

export function deadlineExceeded(): GatewayError {
  return new GatewayError({
    status: 504,
    code: ERROR_CODES.upstreamTimeout,
    message: "The gateway stopped waiting for the provider before its own time limit",
    expose: true,
  });
}
