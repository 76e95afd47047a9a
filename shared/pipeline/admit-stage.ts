import { v7 as uuidv7 } from "uuid";
import { type CachePlan, planCache } from "../cache/cache-options.ts";
import type { RequestRecord } from "../core/build-log-event.ts";
import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import { parseRequestOptions, type RequestOptions } from "../core/request-options.ts";
import type { ErrorDialect } from "../http/error-response.ts";
import { CUSTOM_COST_HEADER, parseCustomCost } from "../pricing/custom-cost.ts";
import { type RetryPolicy, resolveRetryPolicy } from "../resilience/retry-policy.ts";
import { resolveStreamIdleTimeout } from "../resilience/stream-idle-timeout.ts";
import type { Gateway } from "../schemas/gateway.ts";
import type { FailedRequest } from "./refuse-request.ts";
import type { RequestState } from "./request-state.ts";

/** The options of a row whose headers have not been read yet (a refusal while they are being read). */
const NO_OPTIONS: RequestOptions = {
  eventId: null,
  metadata: null,
  collectLog: null,
  collectLogPayload: true,
  requestTimeoutMs: null,
};

/**
 * A request as it arrives, before any stage: its id, when it started, and how a refusal answers it. The
 * dialect is the surface's guess from the raw path until admission has parsed the path; the event id
 * header follows the caller's `cf-aig-event-id` once admitted.
 */
export interface ArrivedRequest extends FailedRequest {
  startedAt: number;
}

export function arriveRequest(
  request: Request,
  deps: Pick<ProxyDependencies, "clock">,
  surface: { dialect: ErrorDialect; namesModel: boolean },
): ArrivedRequest {
  const startedAt = deps.clock.monotonic();
  const id = uuidv7();
  return {
    id,
    startedAt,
    pathname: new URL(request.url).pathname,
    dialect: surface.dialect,
    idHeaders: { "cf-aig-log-id": id, "cf-aig-request-id": id, "cf-aig-event-id": id },
    namesModel: surface.namesModel,
  };
}

/** The path's own fields every surface has. */
export interface AdmittedPath {
  accountId: string;
}

/** What a surface supplies to admission: its path, its gateway access rule, its body. */
export interface SurfaceAdmission<Path extends AdmittedPath, Body> {
  /** Parses the path, or refuses it (a 404 in the surface's dialect). */
  parsePath(pathname: string, headers: Headers): Path;
  /** How errors are written once the path is known (the provider's dialect, or the caller's format). */
  dialect(path: Path): ErrorDialect;
  /** The gateway the request names, once the caller's access to it has been checked. */
  gateway(path: Path, headers: Headers): Promise<Gateway>;
  /** The row's fields that come from the path (gateway id, provider, rest path, a universal step). */
  row(
    path: Path,
    gateway: Gateway,
  ): Pick<RequestRecord, "gatewayId" | "providerSlug" | "restPath"> &
    Partial<Pick<RequestRecord, "step" | "attempt" | "requestId">>;
  /** A refusal that needs the row logged but comes before the options (the unified surface's POST only). */
  refuseMethod?(method: string): void;
  /** Reads the body in the surface's form (bytes to pass on, or JSON to translate). */
  readBody(request: Request, limit: number): Promise<{ bytes: Uint8Array<ArrayBuffer> | null; parsed: Body }>;
}

/** A request let in: its row, gateway and body, and what its headers and gateway decide for the stages. */
export interface AdmittedRequest<Path, Body> {
  path: Path;
  record: RequestRecord;
  gateway: Gateway;
  body: Body;
  /** Whether the gateway keeps this request's logs (the header may override the gateway setting). */
  collect: boolean;
  retryPolicy: RetryPolicy;
  /** The stream idle timeout of every provider call (shared/resilience/stream-idle-timeout.ts). */
  streamIdleTimeoutMs: number;
  /** How the cache applies to this request; null: it does not (the cache is read later, once keyed). */
  cachePlan: CachePlan | null;
}

/**
 * The admit stage, first on every surface: the path, the gateway and the caller's access to it, the
 * request options (`cf-aig-*` headers, custom cost, retries, idle timeout, cache headers) and the body,
 * in that order, so that the first bad input met is the one refused. From the gateway on, the row is in
 * `state`: a refusal after that point is logged as the request's failed row (refuse-request.ts).
 */
export async function admitRequest<Path extends AdmittedPath, Body>(
  request: Request,
  deps: ProxyDependencies,
  state: RequestState,
  arrived: ArrivedRequest,
  surface: SurfaceAdmission<Path, Body>,
): Promise<AdmittedRequest<Path, Body>> {
  const path = surface.parsePath(arrived.pathname, request.headers);
  arrived.dialect = surface.dialect(path);
  const gateway = await surface.gateway(path, request.headers);
  state.gateway = gateway;
  const record: RequestRecord = {
    id: arrived.id,
    eventId: arrived.id,
    accountId: path.accountId,
    createdAt: new Date(deps.clock.now()),
    startedAt: arrived.startedAt,
    method: request.method,
    path: arrived.pathname,
    requestHeaders: request.headers,
    requestBody: null,
    options: NO_OPTIONS,
    ...surface.row(path, gateway),
  };
  state.record = record;
  record.options = parseRequestOptions(request.headers);
  record.eventId = record.options.eventId ?? arrived.id;
  arrived.idHeaders["cf-aig-event-id"] = record.eventId;
  surface.refuseMethod?.(request.method);
  // A malformed cf-aig-custom-cost is refused before anything goes upstream.
  parseCustomCost(request.headers.get(CUSTOM_COST_HEADER));
  const retryPolicy = resolveRetryPolicy(request.headers, gateway);
  const streamIdleTimeoutMs = resolveStreamIdleTimeout(request.headers, gateway);
  const { bytes, parsed } = await surface.readBody(request, deps.maxRequestBodyBytes);
  record.requestBody = bytes;
  // Cache headers are checked on every request (a malformed one is a 400 in the surface's dialect); the
  // cache is read only when caching applies, once the provider request is known.
  const cachePlan = planCache(gateway, request.headers, request.method, bytes?.byteLength ?? 0);
  return {
    path,
    record,
    gateway,
    body: parsed,
    collect: record.options.collectLog ?? gateway.collect_logs,
    retryPolicy,
    streamIdleTimeoutMs,
    cachePlan,
  };
}
