import type { Tracer } from "@aws-lambda-powertools/tracer";
import type { RequestMetrics } from "./request-metrics.ts";
import type { RequestObserver } from "./request-observer.ts";
import { startUpstreamSpan } from "./upstream-tracer.ts";

/** The proxy's observer: EMF metrics for every request, and an X-Ray subsegment for every provider call. */
export function gatewayObserver(metrics: RequestMetrics, tracer: Tracer): RequestObserver {
  return {
    upstreamStarted: (providerSlug) => startUpstreamSpan(tracer, providerSlug),
    requestCompleted(event, upstream) {
      try {
        upstream?.end(event);
      } finally {
        metrics.record(event);
      }
    },
  };
}
