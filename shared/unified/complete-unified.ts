import { buildLogEvent, type RequestRecord, type ResponseRecord } from "../core/build-log-event.ts";
import { deliverLogEvent } from "../core/deliver-log-event.ts";
import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import type { SpendReservation } from "../limits/spend-enforcement.ts";
import type { UpstreamSpan } from "../observability/request-observer.ts";
import { computeCost } from "../pricing/compute-cost.ts";
import { customCostOf } from "../pricing/custom-cost.ts";
import type { LogEvent } from "../schemas/log-event.ts";

/** What a dynamic route adds to its rows: the route fields, and work on the finished event (its spend). */
export interface RowExtras {
  fields?: Partial<LogEvent>;
  afterEvent?: (event: LogEvent) => Promise<void>;
}

/**
 * After a unified request: one log event, as the provider-native surface writes it, except that the model
 * is the one the caller named without its provider prefix (the body holds `{provider}/{model}`), and the
 * cost is priced for that model. Queued when the gateway keeps logs; always handed to the observer.
 */
export async function completeUnifiedRequest(
  deps: ProxyDependencies,
  request: RequestRecord,
  model: string | null,
  collect: boolean,
  upstreamSpan: UpstreamSpan | null,
  response: ResponseRecord,
  spend: SpendReservation | null,
  extras: RowExtras = {},
): Promise<void> {
  if (!collect && !deps.observer && !deps.spend) return;
  try {
    const event = await buildLogEvent(
      collect ? request : { ...request, options: { ...request.options, collectLogPayload: false } },
      response,
    );
    const priced = computeCost(
      request.providerSlug,
      model,
      response.usage,
      customCostOf(request.requestHeaders),
    );
    Object.assign(event, { model, cost: priced.cost, custom_cost: priced.custom_cost }, extras.fields);
    try {
      await extras.afterEvent?.(event);
    } catch (error) {
      deps.logger.warn("route spend could not be recorded", { log_id: request.id, reason: String(error) });
    }
    await deliverLogEvent(deps, event, upstreamSpan, collect, spend);
  } catch (error) {
    deps.logger.error("log event could not be built", { log_id: request.id, reason: String(error) });
  }
}
