import type { StructuredLogger } from "../../core/structured-logger.ts";
import { createHttpFetch } from "../../http/http-fetch.ts";
import { UpstreamGuard } from "../../http/upstream-guard.ts";
import type { GatewayStore } from "../../store/gateway-store.ts";
import { OtelSpanSender } from "./otel-span-sender.ts";

/** The log-writer's span sender: each gateway's `otel` setting from the config table, the proxy's SSRF guard. */
export function otelSpanSenderFromEnv(
  env: { TRUSTED_UPSTREAM_HOSTS: string; GATEWAY_SETTINGS_CACHE_TTL_MS: number },
  gateways: GatewayStore,
  logger: StructuredLogger,
): OtelSpanSender {
  return new OtelSpanSender({
    exportersOf: async (accountId, gatewayId) => (await gateways.get(accountId, gatewayId))?.otel,
    guard: new UpstreamGuard(env.TRUSTED_UPSTREAM_HOSTS.split(",")),
    fetch: createHttpFetch(),
    logger,
    cacheTtlMs: env.GATEWAY_SETTINGS_CACHE_TTL_MS,
  });
}
