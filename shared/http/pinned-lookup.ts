import type { LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";

/**
 * The addresses the upstream guard checked for a host (upstream-guard.ts): the only ones a connection to
 * that host may use. Connecting to them, rather than resolving the name again, is what stops a name from
 * being rebound to a private address between the check and the connection (DNS rebinding).
 */
export interface ConnectionPin {
  /** The host name as the URL has it (lower case, no brackets). */
  hostname: string;
  addresses: readonly string[];
  /** Why the name did not resolve, when it did not: the connection fails with it (ENOTFOUND, ...). */
  failure?: Error;
}

/**
 * A `lookup` for node:net (and so node:http and node:https) that answers with the pinned addresses and
 * never asks DNS. The request keeps the host name for everything else: the Host header, TLS SNI and the
 * certificate check are for the name, not the address.
 */
export function pinnedLookup(pin: ConnectionPin): LookupFunction {
  return (hostname, options, callback) => {
    if (pin.failure) {
      callback(pin.failure, "", 0);
      return;
    }
    const wanted = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family || 0;
    const entries: LookupAddress[] = pin.addresses
      .map((address) => ({ address, family: isIP(address) }))
      .filter(({ family }) => family !== 0 && (wanted === 0 || wanted === family));
    const first = entries[0];
    // Only the pinned host may be looked up with its pin; anything else is a mistake, refused rather than resolved.
    if (hostname.toLowerCase() !== pin.hostname || !first) {
      callback(hostNotFound(hostname), "", 0);
      return;
    }
    if (options.all) callback(null, entries);
    else callback(null, first.address, first.family);
  };
}

/** The error DNS gives for a name it does not know, for a pin whose name did not resolve. */
export function hostNotFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: "ENOTFOUND",
    syscall: "getaddrinfo",
    hostname,
  });
}
