import { TtlCache } from "../core/ttl-cache.ts";
import type { GatewayStore } from "../store/gateway-store.ts";
import type { LogRetention } from "./log-retention.ts";

/**
 * The log-writer's view of each gateway's `log_management`, read from the config table and kept in
 * memory for `ttlMs` (a batch of 25 logs of one gateway reads it once). A changed limit applies within
 * that time.
 */
export function gatewayRetention(
  gateways: GatewayStore,
  ttlMs = 30_000,
  now: () => number = Date.now,
): (accountId: string, gatewayId: string) => Promise<LogRetention | null> {
  const cache = new TtlCache<LogRetention | null>(ttlMs, now);
  return (accountId, gatewayId) =>
    cache.get(`${accountId}#${gatewayId}`, async () => {
      const gateway = await gateways.get(accountId, gatewayId);
      if (!gateway?.log_management || !gateway.log_management_strategy) return null;
      return { limit: gateway.log_management, strategy: gateway.log_management_strategy };
    });
}
