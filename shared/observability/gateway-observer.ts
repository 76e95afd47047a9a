import type { Tracer } from "@aws-lambda-powertools/tracer";
import { publishCompletedRequest } from "./completed-requests.ts";
import type { RequestMetrics } from "./request-metrics.ts";
import type { RequestObserver } from "./request-observer.ts";
import { startUpstreamSpan } from "./upstream-tracer.ts";

/**
 * The proxy's observer: EMF metrics for every request, an X-Ray subsegment for every provider call, and the
 * event on the in-process channel the local runtime's access log listens to (completed-requests.ts).
 */
export function gatewayObserver(metrics: RequestMetrics, tracer: Tracer): RequestObserver {
  return {
    upstreamStarted: (providerSlug) => startUpstreamSpan(tracer, providerSlug),
    requestCompleted(event, upstream) {
      try {
        upstream?.end(event);
      } finally {
        metrics.record(event);
        publishCompletedRequest(event);
      }
    },
  };
}
