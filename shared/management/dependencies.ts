import type { Clock } from "../core/clock.ts";
import type { StructuredLogger } from "../core/structured-logger.ts";
import type { LogDeleteJobs } from "../logs/log-delete-jobs.ts";
import type { AnalyticsStore } from "../store/analytics-store.ts";
import type { CustomProviderStore } from "../store/custom-provider-store.ts";
import type { DlpProfileStore } from "../store/dlp-profile-store.ts";
import type { GatewayStore } from "../store/gateway-store.ts";
import type { LogCounterStore } from "../store/log-counter-store.ts";
import type { LogStore } from "../store/log-store.ts";
import type { ProviderKeyStore } from "../store/provider-key-store.ts";
import type { RouteStore } from "../store/route-store.ts";
import type { TokenStore } from "../store/token-store.ts";

export interface ManagementDependencies {
  /** This deployment's account id: paths naming another account are answered 404. */
  accountId: string;
  gateways: GatewayStore;
  logs: LogStore;
  /** The stored-log counter that retention reads; deleting logs through the API subtracts from it. */
  counters: LogCounterStore;
  analytics: AnalyticsStore;
  /** Delete-by-filter: DELETE .../logs starts a job (and the worker runs it from its queue). */
  logDeleteJobs: LogDeleteJobs;
  /** How long a DELETE .../logs waits for its job before answering 202 (default 3 s). */
  logDeleteWaitMs?: number;
  /** The widest analytics range at hour granularity, in hours (default 31 days). */
  analyticsMaxHours?: number;
  tokens: TokenStore;
  /** Null when no master key is configured: the provider-key routes then answer 501. */
  providerKeys: ProviderKeyStore | null;
  customProviders: CustomProviderStore;
  /** Custom DLP profiles (Cloudflare's `/dlp/profiles` API). */
  dlpProfiles: DlpProfileStore;
  /** Dynamic routes, their versions and deployments (reference 5.3). */
  routes: RouteStore;
  /** The bootstrap admin token, which has every scope. */
  adminToken: () => Promise<string>;
  logger: StructuredLogger;
  /** How long a token looked up by value is trusted before it is read again (default 10 s). */
  tokenCacheTtlMs?: number;
  clock?: Clock;
}
