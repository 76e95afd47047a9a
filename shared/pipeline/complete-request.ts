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

/** One log row: the request as recorded, how it ended, and what the row settles. */
export interface CompletedRow {
  request: RequestRecord;
  /** Whether the gateway keeps this request's logs (the header may override the gateway setting). */
  collect: boolean;
  upstreamSpan: UpstreamSpan | null;
  response: ResponseRecord;
  /** The spend reserved for the call this row ends, settled with the row's cost. */
  spend?: SpendReservation | null;
  /**
   * Set on the unified surface: the model the caller named without its provider prefix (the body holds
   * `{provider}/{model}`), which the row shows and is priced for. Absent on the provider-native surface,
   * whose row has the model and cost read from the body the provider was sent.
   */
  namedModel?: string | null;
  extras?: RowExtras;
}

/**
 * After the response (or a failed attempt): one log event, queued when the gateway keeps logs, and handed
 * to the observer (metrics, the upstream span) and the spend counters in every case. Without logs the event
 * is built without bodies, only for them. Every surface ends its rows here.
 */
export async function completeRequest(deps: ProxyDependencies, row: CompletedRow): Promise<void> {
  const { request, response, collect, extras = {} } = row;
  if (!collect && !deps.observer && !deps.spend) return;
  try {
    const event = await buildLogEvent(
      collect ? request : { ...request, options: { ...request.options, collectLogPayload: false } },
      response,
    );
    if (row.namedModel !== undefined) {
      const model = row.namedModel;
      const priced = computeCost(
        request.providerSlug,
        model,
        response.usage,
        customCostOf(request.requestHeaders),
      );
      Object.assign(event, { model, cost: priced.cost, custom_cost: priced.custom_cost });
    }
    Object.assign(event, extras.fields);
    try {
      await extras.afterEvent?.(event);
    } catch (error) {
      deps.logger.warn("route spend could not be recorded", { log_id: request.id, reason: String(error) });
    }
    await deliverLogEvent(deps, event, row.upstreamSpan, collect, row.spend ?? null);
  } catch (error) {
    deps.logger.error("log event could not be built", { log_id: request.id, reason: String(error) });
  }
}

/** A cache hit's row: its tokens are the ones it saved, and the provider was not paid for it. */
export const CACHE_HIT_FIELDS: Partial<LogEvent> = { cached: true, cost: 0 };
