import { AsyncLocalStorage } from "node:async_hooks";
import { proxySurfaceOf } from "../../shared/core/proxy-surface.ts";
import { completedRequests } from "../../shared/observability/completed-requests.ts";
import type { LogEvent } from "../../shared/schemas/log-event.ts";
import type { LambdaTarget } from "./routes.ts";

/** One line of `npm start`'s access log: what a request was and how it went. Null where it does not apply. */
export interface AccessRecord {
  /** When the request arrived (ISO 8601). */
  time: string;
  method: string;
  path: string;
  /** provider, unified or universal (the proxy's surfaces), management, or none (no route: API Gateway's 403). */
  surface: "provider" | "unified" | "universal" | "management" | "none";
  gateway: string | null;
  provider: string | null;
  model: string | null;
  status: number;
  /** The response's cf-aig-cache-status (HIT, MISS), null when the gateway does not cache. */
  cache: string | null;
  tokens_in: number | null;
  tokens_out: number | null;
  /** USD; null when unknown. */
  cost: number | null;
  /** From the request's arrival at the front to the response's last byte. */
  total_ms: number;
  /** Time spent waiting on the provider (log event's provider_wait); null without a provider call. */
  provider_ms: number | null;
  /** The log's id (cf-aig-log-id), null when no log event was made. */
  log_id: string | null;
  /** Provider calls the request took (retries, universal steps); 1 for most. */
  attempts: number;
}

/** The log events of the invocation running in this async context (completed-requests.ts publishes them). */
const invocationEvents = new AsyncLocalStorage<LogEvent[]>();
let listening = false;

/**
 * Runs one proxy invocation and returns the log events its pipeline published. The first call subscribes
 * to the channel, so a front that keeps no access log (the tests' gateways) pays nothing for it.
 */
export async function collectLogEvents(invoke: () => Promise<void>): Promise<LogEvent[]> {
  if (!listening) {
    listening = true;
    // A subscriber must not throw: the channel would rethrow it as an uncaught exception.
    completedRequests.subscribe((event) => invocationEvents.getStore()?.push(event as LogEvent));
  }
  const events: LogEvent[] = [];
  await invocationEvents.run(events, invoke);
  return events;
}

export interface FrontFacts {
  /** Date.now() when the request arrived. */
  arrivedAt: number;
  /** performance.now() when the request arrived. */
  startedAt: number;
  method: string;
  path: string;
  target: LambdaTarget | null;
  status: number;
  /** performance.now() when the response's last byte was handed to the socket (or the client left). */
  finishedAt: number;
  cacheStatus: string | null;
}

const round = (milliseconds: number) => Math.round(milliseconds * 10) / 10;

/**
 * The access line from what the front saw and the request's log events: the last event is the attempt
 * that answered (its provider, model, tokens); cost is summed, since every attempt that ran may be paid.
 */
export function accessRecord(front: FrontFacts, events: readonly LogEvent[]): AccessRecord {
  const totalMs = round(front.finishedAt - front.startedAt);
  const last = events.at(-1);
  const costs = events.map((event) => event.cost).filter((cost): cost is number => typeof cost === "number");
  return {
    time: new Date(front.arrivedAt).toISOString(),
    method: front.method,
    path: front.path,
    surface:
      front.target === null ? "none" : front.target === "api" ? "management" : proxySurfaceOf(front.path),
    gateway: last?.gateway_id ?? null,
    provider: last?.provider ?? null,
    model: last?.model ?? null,
    status: front.status,
    cache: front.cacheStatus,
    tokens_in: last?.tokens_in ?? null,
    tokens_out: last?.tokens_out ?? null,
    cost: costs.length > 0 ? costs.reduce((sum, cost) => sum + cost, 0) : null,
    total_ms: totalMs,
    provider_ms: last && last.provider !== null ? round(sumOf(events, "provider_wait")) : null,
    log_id: last ? last.request_id : null,
    attempts: Math.max(1, events.length),
  };
}

function sumOf(events: readonly LogEvent[], field: "provider_wait"): number {
  return events.reduce((sum, event) => sum + (event[field] ?? 0), 0);
}
