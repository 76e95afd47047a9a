import type { ExecutionContext } from "../core/execution-context.ts";
import { toGatewayError } from "../core/gateway-error.ts";
import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import { type ErrorDialect, errorResponse } from "../http/error-response.ts";
import { completeRequest } from "./complete-request.ts";
import type { RequestState } from "./request-state.ts";

/** Who failed: the request's ids, its path, and how its surface speaks. */
export interface FailedRequest {
  id: string;
  pathname: string;
  /** The error body's dialect: the provider's on the native surface, the caller's on the unified one. */
  dialect: ErrorDialect;
  /** cf-aig-log-id and the others, sent on the error too. */
  idHeaders: Record<string, string>;
  /** The unified surface's rows show the model the caller named (complete-request.ts). */
  namesModel: boolean;
}

/**
 * The way out of any stage that throws, for every surface: the error in the surface's dialect with the
 * request's ids, and its row logged as failed once a gateway is known (the span, the attempts and the spend
 * reserved so far go with it). Before a gateway is known there is no gateway log to hold a row, so the
 * refusal goes to the structured log instead; a 5xx is always logged there as well.
 */
export function refuseRequest(
  deps: ProxyDependencies,
  execution: ExecutionContext,
  state: RequestState,
  caught: unknown,
  failed: FailedRequest,
): Response {
  const error = toGatewayError(caught);
  if (error.status >= 500)
    deps.logger.error("request failed", { log_id: failed.id, path: failed.pathname, error: error.message });
  const { record, gateway } = state;
  if (record && gateway) {
    execution.waitUntil(
      completeRequest(deps, {
        request: record,
        ...(failed.namesModel ? { namedModel: state.model } : {}),
        collect: record.options.collectLog ?? gateway.collect_logs,
        upstreamSpan: state.upstreamSpan,
        response: {
          status: error.status,
          contentType: "application/json",
          upstreamStartedAt: state.upstreamStartedAt,
          upstreamHeadersAt: null,
          observation: null,
          usage: null,
          error: { code: error.code, message: error.message },
          endedAt: deps.clock.monotonic(),
        },
        spend: state.spend,
        extras: state.rowExtras,
      }),
    );
  } else {
    deps.logger.warn("request refused before a gateway was resolved", {
      log_id: failed.id,
      path: failed.pathname.slice(0, 300),
      status: error.status,
      error: error.publicMessage,
    });
  }
  return errorResponse(error, failed.dialect, {
    ...failed.idHeaders,
    ...state.routeHeaders,
    ...error.headers,
  });
}
