import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";
import { type ConnectionPin, hostNotFound } from "./pinned-lookup.ts";
import { isPrivateAddress } from "./upstream-address-policy.ts";

type Resolver = (hostname: string) => Promise<string[]>;

const resolveAll: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export interface UpstreamGuardOptions {
  /** How long a host's checked addresses are used before the name is resolved again. */
  ttlMs?: number;
  /** Resolves a name to every address it has (tests: a table). */
  resolve?: Resolver;
  /** Which addresses are refused (upstream-address-policy.ts; tests: a stand-in for a private address). */
  isRefused?: (address: string) => boolean;
}

/**
 * Checks the host of an operator- or user-configured upstream (an UPSTREAM_*_URL override, a custom
 * provider's base_url) before the gateway calls it, and pins the call to what it checked. Hosts in
 * TRUSTED_UPSTREAM_HOSTS are let through as they are (and connect as any host does). Any other name is
 * resolved once, every address it resolves to is judged (upstream-address-policy.ts), and the addresses
 * are returned as a pin: the call connects to them (pinned-lookup.ts, http-fetch.ts) instead of resolving
 * the name again, so a name cannot be rebound to a private address between the check and the connection.
 * A host's checked addresses are kept for `ttlMs`; a name that did not resolve is not kept.
 */
export class UpstreamGuard {
  private readonly trusted: Set<string>;
  private readonly verdicts = new Map<string, { pin: ConnectionPin; refused: boolean; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly resolve: Resolver;
  private readonly isRefused: (address: string) => boolean;

  constructor(trustedHosts: readonly string[], options: UpstreamGuardOptions = {}) {
    this.trusted = new Set(trustedHosts.map(urlHostname).filter(Boolean));
    this.ttlMs = options.ttlMs ?? 30_000;
    this.resolve = options.resolve ?? resolveAll;
    this.isRefused = options.isRefused ?? isPrivateAddress;
  }

  /** The pin to connect with, or undefined for a trusted host; a 403 (code 7011) when the host is refused. */
  async check(url: string): Promise<ConnectionPin | undefined> {
    const hostname = new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
    if (this.trusted.has(hostname)) return undefined;
    const now = Date.now();
    let verdict = this.verdicts.get(hostname);
    if (!verdict || verdict.expiresAt <= now) {
      const pin = await this.resolvePin(hostname);
      // A name that does not resolve is left to the call, which reports it as unreachable (502).
      if (pin.failure) return pin;
      verdict = { pin, refused: pin.addresses.some(this.isRefused), expiresAt: now + this.ttlMs };
      this.verdicts.set(hostname, verdict);
    }
    if (verdict.refused) {
      throw new GatewayError({
        status: 403,
        code: ERROR_CODES.untrustedUpstream,
        message: `The upstream host "${hostname}" is or resolves to an address that is not public (private, loopback, link-local or reserved); add it to TRUSTED_UPSTREAM_HOSTS to allow it`,
      });
    }
    return verdict.pin;
  }

  private async resolvePin(hostname: string): Promise<ConnectionPin> {
    if (isIP(hostname)) return { hostname, addresses: [hostname] };
    try {
      const addresses = await this.resolve(hostname);
      if (addresses.length > 0) return { hostname, addresses };
      return { hostname, addresses, failure: hostNotFound(hostname) };
    } catch (error) {
      return { hostname, addresses: [], failure: error instanceof Error ? error : hostNotFound(hostname) };
    }
  }
}

/** A trusted host as a URL writes it, so that `FD00:0::1` or `[fd00::1]` matches the URL host `fd00::1`. */
function urlHostname(entry: string): string {
  const host = entry
    .trim()
    .replace(/^\[|\]$/g, "")
    .toLowerCase();
  if (isIP(host) !== 6) return host;
  return URL.canParse(`http://[${host}]`) ? new URL(`http://[${host}]`).hostname.slice(1, -1) : host;
}
