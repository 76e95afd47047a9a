/** Work the adapter must let finish after the response has been sent (the log event). */
export interface ExecutionContext {
  waitUntil(work: Promise<unknown>): void;
  /** Milliseconds the invocation has left (Lambda's getRemainingTimeInMillis); absent: no deadline. */
  remainingTimeMs?: () => number;
}
