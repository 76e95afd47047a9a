import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";

/**
 * Addresses an upstream must not resolve to unless its host is trusted: loopback, private, link-local
 * (including the instance metadata service at 169.254.169.254 and fd00:ec2::254), carrier-grade NAT,
 * multicast and reserved ranges. Without this, a custom provider or an override could turn the gateway
 * into a way to reach the network it runs in (SSRF).
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], "ipv4");
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family === 6) return blocked.check(address, "ipv6");
  return true;
}

type Resolver = (hostname: string) => Promise<string[]>;

const resolveAll: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Checks the host of an operator- or user-configured upstream (an UPSTREAM_*_URL override, a custom
 * provider's base_url) before the gateway calls it. Hosts in TRUSTED_UPSTREAM_HOSTS are let through as
 * they are. Verdicts are cached for `ttlMs` per host. The check resolves the name itself, so a name that
 * is rebound to a private address between this check and the connection is a remaining gap; the cache is
 * short to keep that window small.
 */
export class UpstreamGuard {
  private readonly trusted: Set<string>;
  private readonly verdicts = new Map<string, { allowed: boolean; expiresAt: number }>();

  constructor(
    trustedHosts: readonly string[],
    private readonly ttlMs = 30_000,
    private readonly resolve: Resolver = resolveAll,
  ) {
    this.trusted = new Set(trustedHosts.map((host) => host.trim().toLowerCase()).filter(Boolean));
  }

  async check(url: string): Promise<void> {
    const hostname = new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
    if (this.trusted.has(hostname)) return;
    const now = Date.now();
    let verdict = this.verdicts.get(hostname);
    if (!verdict || verdict.expiresAt <= now) {
      const addresses = isIP(hostname) ? [hostname] : await this.resolve(hostname).catch(() => []);
      // A name that does not resolve is left to fetch, which reports it as unreachable (502).
      verdict = { allowed: !addresses.some(isPrivateAddress), expiresAt: now + this.ttlMs };
      this.verdicts.set(hostname, verdict);
    }
    if (!verdict.allowed) {
      throw new GatewayError({
        status: 403,
        code: ERROR_CODES.untrustedUpstream,
        message: `The upstream host "${hostname}" is a private, loopback or link-local address; add it to TRUSTED_UPSTREAM_HOSTS to allow it`,
      });
    }
  }
}
