import { recordSpend } from "../limits/spend-enforcement.ts";
import type { UpstreamSpan } from "../observability/request-observer.ts";
import type { Gateway } from "../schemas/gateway.ts";
import type { LogEvent } from "../schemas/log-event.ts";
import type { ProxyDependencies } from "./handle-provider-request.ts";

/**
 * The last step of every request, whatever the surface: the finished event goes to the observer (metrics,
 * the upstream span) in every case, then to the log queue when the gateway keeps logs. Without a log the
 * log-writer never sees the event's cost, so it is counted here: turning logs off per request
 * (cf-aig-collect-log: false) cannot be a way around a budget.
 */
export async function deliverLogEvent(
  deps: ProxyDependencies,
  event: LogEvent,
  upstreamSpan: UpstreamSpan | null,
  collect: boolean,
  spendLimits: Gateway["spend_limits"] | null,
): Promise<void> {
  try {
    deps.observer?.requestCompleted(event, upstreamSpan);
  } catch (error) {
    deps.logger.warn("request metrics failed", { log_id: event.id, reason: String(error) });
  }
  if (collect) await deps.logSink.send(event);
  else if (deps.spend && spendLimits) await recordSpend(deps.spend, spendLimits, event);
}
