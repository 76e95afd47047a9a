import type { RequestRecord } from "../core/build-log-event.ts";
import type { SpendReservation } from "../limits/spend-enforcement.ts";
import type { UpstreamSpan } from "../observability/request-observer.ts";
import type { Gateway } from "../schemas/gateway.ts";
import type { RowExtras } from "./complete-request.ts";

/**
 * What one request learns as it goes through the stages, and what its last row and response (or its
 * error) read: the row and gateway once admitted, the provider call made last (model, span, start, spend),
 * how many attempts were made, the gateway's rate-limit headers, and what a dynamic route adds (row fields,
 * `cf-aig-provider`/`cf-aig-model`). Every surface keeps one, so a failure at any stage still logs its row.
 */
export interface RequestState {
  /** Set by admission, once the gateway is known: a request refused before has no row to log. */
  record: RequestRecord | undefined;
  gateway: Gateway | undefined;
  /** The model the unified surface called last, as the caller named it (null on the native surface). */
  model: string | null;
  upstreamSpan: UpstreamSpan | null;
  upstreamStartedAt: number | null;
  /** The provider attempts this request has made (its retries, and a dynamic route's models). */
  attemptsMade: number;
  /** Counted once per request: set by the first call that reaches a provider, or by a route up front. */
  limitHeaders: Record<string, string> | null;
  rowExtras: RowExtras;
  routeHeaders: Record<string, string>;
  /** The spend reserved for the provider call made last, settled with the request's last row. */
  spend: SpendReservation | null;
}

export function newRequestState(): RequestState {
  return {
    record: undefined,
    gateway: undefined,
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
