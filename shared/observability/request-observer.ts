import type { LogEvent } from "../schemas/log-event.ts";

/** The span of one provider call, opened just before the request is sent. */
export interface UpstreamSpan {
  /** Closes the span with what the request's log event says (status, model, tokens). Never throws. */
  end(event: LogEvent): void;
}

/**
 * What the request pipeline tells observability (metrics, traces) about a request, so shared/core stays
 * free of Powertools and X-Ray: the proxy Lambda passes an implementation (gateway-observer.ts), tests
 * pass none or a recording one.
 */
export interface RequestObserver {
  /**
   * The provider call is about to start. Runs before the first byte reaches the client, so it must be
   * synchronous and do no I/O (opening an X-Ray subsegment is an object in memory).
   */
  upstreamStarted(providerSlug: string): UpstreamSpan;
  /**
   * The response is over (last byte, client gone, or an error answered): called once with the request's
   * log event, after the client has its response. The event is built even when the gateway keeps no logs.
   * Never throws.
   */
  requestCompleted(event: LogEvent, upstream: UpstreamSpan | null): void;
}
