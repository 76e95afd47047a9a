import type { SpendReservation } from "../limits/spend-enforcement.ts";
import type { UpstreamSpan } from "../observability/request-observer.ts";
import type { LogEvent } from "../schemas/log-event.ts";
import type { ProxyDependencies } from "./proxy-dependencies.ts";

/**
 * The last step of every request, whatever the surface: the finished event goes to the observer (metrics,
 * the upstream span) in every case, then to the log queue when the gateway keeps logs. The request's spend
 * reservation is settled to the event's cost first, whether or not the log is kept
 * (docs/spend-limits.md), so the next request sees the real spend as soon as this one is over.
 */
export async function deliverLogEvent(
  deps: ProxyDependencies,
  event: LogEvent,
  upstreamSpan: UpstreamSpan | null,
  collect: boolean,
  spend: SpendReservation | null,
): Promise<void> {
  try {
    deps.observer?.requestCompleted(event, upstreamSpan);
  } catch (error) {
    deps.logger.warn("request metrics failed", { log_id: event.id, reason: String(error) });
  }
  await spend?.settleEvent(event);
  if (collect) await deps.logSink.send(event);
}
