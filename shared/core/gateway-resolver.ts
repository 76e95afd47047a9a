import { defaultGateway, type Gateway } from "../schemas/gateway.ts";
import type { GatewayStore } from "../store/gateway-store.ts";
import type { Clock } from "./clock.ts";

interface CacheEntry {
  expiresAt: number;
  gateway: Promise<Gateway | undefined>;
}

/**
 * Gateway configuration for the hot path: read from DynamoDB at most once per `ttlMs` per gateway and
 * instance, with concurrent misses sharing one read. A change made through the management API reaches
 * every instance within `ttlMs` (CONFIG_CACHE_TTL_MS, 5 s by default). Unknown ids are not cached, so a
 * gateway created a moment ago is found at once.
 */
export class GatewayResolver {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly store: GatewayStore,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  find(accountId: string, gatewayId: string): Promise<Gateway | undefined> {
    const key = `${accountId}/${gatewayId}`;
    const now = this.clock.now();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > now) return cached.gateway;

    const gateway = this.store.get(accountId, gatewayId);
    this.cache.set(key, { expiresAt: now + this.ttlMs, gateway });
    gateway.then(
      (found) => {
        if (!found) this.cache.delete(key);
      },
      () => this.cache.delete(key),
    );
    return gateway;
  }

  /** Reference 4.3: `default` is created with its defaults on the first authenticated request. */
  async createDefault(accountId: string, gatewayId: string): Promise<Gateway> {
    const gateway = await this.store.createIfAbsent(
      accountId,
      defaultGateway(gatewayId, new Date(this.clock.now())),
    );
    this.cache.set(`${accountId}/${gatewayId}`, {
      expiresAt: this.clock.now() + this.ttlMs,
      gateway: Promise.resolve(gateway),
    });
    return gateway;
  }
}
