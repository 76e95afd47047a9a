import { BlockList } from "node:net";
import { ipv4Bytes, ipv4Text, ipv6Bytes, ipv6Text } from "./ip-address.ts";

/**
 * Which addresses an upstream that someone configured (an UPSTREAM_<SLUG>_URL override, a custom
 * provider's base_url) may not connect to unless its host is trusted: anything that is not a public
 * unicast address. Without this, the gateway would be a way into the network it runs in (SSRF): the
 * instance metadata service at 169.254.169.254 and fd00:ec2::254, the VPC, loopback.
 *
 * The ranges follow IANA's IPv4 and IPv6 Special-Purpose Address Registries. An IPv6 address that carries
 * an IPv4 address is judged by that IPv4 address (see `embeddedIpv4`), so `[64:ff9b::a9fe:a9fe]` is the
 * metadata service as much as `169.254.169.254` is.
 */

/** IPv4 ranges that are not public unicast. */
const refusedIpv4 = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, the instance metadata service
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation (TEST-NET-1)
  ["192.88.99.0", 24], // the deprecated 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation (TEST-NET-2)
  ["203.0.113.0", 24], // documentation (TEST-NET-3)
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and the broadcast address
] as const) {
  refusedIpv4.addSubnet(network, prefix, "ipv4");
}

/** Public IPv6 unicast is allocated from 2000::/3 only; anything outside it is refused (see below). */
const globalUnicast = new BlockList();
globalUnicast.addSubnet("2000::", 3, "ipv6");

/**
 * IPv6 ranges that are not public unicast. Those outside 2000::/3 are refused by that rule already; they
 * are listed so that this list reads as the registry does.
 */
const refusedIpv6 = new BlockList();
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["64:ff9b:1::", 48], // local-use IPv4/IPv6 translation: where the IPv4 address sits is the operator's choice
  ["100::", 64], // discard-only
  ["2001::", 23], // IETF protocol assignments: benchmarking, ORCHID (2001:10::/28), ORCHIDv2 (2001:20::/28)...
  ["2001:db8::", 32], // documentation
  ["3fff::", 20], // documentation
  ["5f00::", 16], // segment routing (SRv6) SIDs
  ["fc00::", 7], // unique local, the IPv6 instance metadata service fd00:ec2::254
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated, still routed by some networks)
  ["ff00::", 8], // multicast
] as const) {
  refusedIpv6.addSubnet(network, prefix, "ipv6");
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) =>
  prefix.every((byte, index) => bytes[index] === byte);
const zeros = (count: number) => new Array<number>(count).fill(0);

/**
 * The IPv4 addresses an IPv6 address carries, or null when it carries none:
 * - IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated `::ffff:0:a.b.c.d` and IPv4-compatible `::a.b.c.d`
 *   (`::` and `::1` among them, as 0.0.0.0 and 0.0.0.1): the last 32 bits.
 * - NAT64 with the well-known prefix `64:ff9b::/96`: the last 32 bits (RFC 6052).
 * - 6to4 `2002::/16`: bits 16-47, the site's IPv4 address (RFC 3056).
 * - Teredo `2001::/32`: the server at bits 32-63 and the client in the last 32 bits, inverted (RFC 4380).
 */
export function embeddedIpv4(bytes: Uint8Array): string[] | null {
  if (
    startsWith(bytes, [...zeros(10), 0xff, 0xff]) ||
    startsWith(bytes, [...zeros(8), 0xff, 0xff, 0, 0]) ||
    startsWith(bytes, zeros(12)) ||
    startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, ...zeros(8)])
  ) {
    return [ipv4Text(bytes, 12)];
  }
  if (startsWith(bytes, [0x20, 0x02])) return [ipv4Text(bytes, 2)];
  if (startsWith(bytes, [0x20, 0x01, 0x00, 0x00])) {
    const client = bytes.slice(12, 16).map((byte) => byte ^ 0xff);
    return [ipv4Text(bytes, 4), ipv4Text(client)];
  }
  return null;
}

/**
 * Whether an upstream may not connect to this address (any textual form: brackets, zone ids, upper
 * case, a trailing dotted quad). Something that is not an address at all is refused.
 *
 * An IPv6 address that carries public IPv4 addresses is allowed, as those IPv4 addresses would be: its
 * packets reach the public host it names (through a NAT64 translator, a 6to4 or Teredo relay), which a
 * URL could name directly anyway. Refusing them would refuse every provider on an IPv6-only network with
 * DNS64 (an IPv6-only Lambda subnet behind a NAT64 gateway), where every IPv4-only name resolves to
 * `64:ff9b::a.b.c.d`. Any private IPv4 address inside refuses it.
 */
export function isPrivateAddress(address: string): boolean {
  const v4 = ipv4Bytes(address);
  if (v4) return refusedIpv4.check(ipv4Text(v4), "ipv4");
  const v6 = ipv6Bytes(address);
  if (!v6) return true;
  const carried = embeddedIpv4(v6);
  if (carried) return carried.some((inner) => refusedIpv4.check(inner, "ipv4"));
  const text = ipv6Text(v6);
  return !globalUnicast.check(text, "ipv6") || refusedIpv6.check(text, "ipv6");
}
