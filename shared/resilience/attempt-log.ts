import type { ResponseRecord } from "../core/build-log-event.ts";
import type { BodyObservation } from "../http/observed-body.ts";
import type { FailedAttempt } from "./retry-loop.ts";

/** A failed attempt's drained body, seen as if it had been passed on, so the log row can keep it. */
export function failedAttemptObservation(
  failure: FailedAttempt,
  captureLimit: number,
): BodyObservation | null {
  if (!failure.body) return null;
  const kept = failure.body.subarray(0, captureLimit);
  return {
    firstChunkAt: failure.headersAt,
    endedAt: failure.endedAt,
    bytes: failure.body.byteLength,
    captured: kept.byteLength > 0 ? [kept] : [],
    capturedAll: kept.byteLength === failure.body.byteLength,
    clientAborted: false,
    upstreamError: undefined,
    providerWait: 0,
  };
}

/** The log row's response part for an attempt that did not answer the client. */
export function failedAttemptResponse(failure: FailedAttempt, captureLimit: number): ResponseRecord {
  return {
    status: failure.status,
    contentType: failure.contentType,
    upstreamStartedAt: failure.startedAt,
    upstreamHeadersAt: failure.headersAt,
    observation: failedAttemptObservation(failure, captureLimit),
    usage: null,
    error: failure.error,
    endedAt: failure.endedAt,
  };
}
