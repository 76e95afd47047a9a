import type { ResponseCacheStore } from "../cache/response-cache.ts";
import type { UpstreamFetch } from "../http/http-fetch.ts";
import type { RateLimitDependencies } from "../limits/rate-limit-stage.ts";
import type { RequestObserver } from "../observability/request-observer.ts";
import type { PipelineChecks } from "../pipeline/checks-stage.ts";
import type { LogSink } from "../queue/log-sink.ts";
import type { Sleep } from "../resilience/sleep.ts";
import type { RouteReader } from "../routing/route-reader.ts";
import type { SpendStore } from "../store/spend-store.ts";
import type { Clock } from "./clock.ts";
import type { GatewayAccessDependencies } from "./gateway-access.ts";
import type { CredentialDependencies } from "./provider-credentials.ts";
import type { ProviderTargetDependencies } from "./provider-target.ts";
import type { StructuredLogger } from "./structured-logger.ts";

/**
 * What every proxy surface (provider-native, universal, unified) is given by its composition root
 * (functions/proxy/handler.ts, infra/local/server.ts): stores, queue, clock, fetch and limits, built once.
 */
export interface ProxyDependencies
  extends GatewayAccessDependencies,
    ProviderTargetDependencies,
    CredentialDependencies,
    RateLimitDependencies {
  logSink: LogSink;
  fetch: UpstreamFetch;
  clock: Clock;
  logger: StructuredLogger;
  upstreamTimeoutMs: number;
  maxRequestBodyBytes: number;
  /** Metrics and traces (the proxy Lambda passes one; see shared/observability/). */
  observer?: RequestObserver;
  /** The response cache (docs/caching.md); absent: nothing is cached. */
  responseCache?: ResponseCacheStore | null;
  /** Spend-limit counters (docs/spend-limits.md); absent: spend limits are not enforced. */
  spend?: SpendStore | null;
  /** Waits between retries (docs/resilience.md); tests pass one that does not wait. */
  sleep?: Sleep;
  /** Kept back from the Lambda deadline to answer and log (default in shared/resilience/deadline.ts). */
  deadlineMarginMs?: number;
  /** Deployed dynamic routes (docs/dynamic-routes.md); absent: `model: "dynamic/..."` is refused. */
  routes?: RouteReader;
  /** The draw of a route's percentage split, in [0, 1) (default Math.random; tests seed one). */
  random?: () => number;
  /** Request checks and response transforms (shared/pipeline/checks-stage.ts); absent: none. */
  checks?: PipelineChecks;
}
