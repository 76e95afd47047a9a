import { isIP } from "node:net";

/**
 * IP addresses as bytes, for the upstream guard (upstream-address-policy.ts), which must see the IPv4
 * address inside an IPv6 one whatever way the IPv6 address is written. Node's `isIP` decides what is an
 * address; this only expands what it accepted.
 */

/** An address without URL brackets or a zone id: "[FE80::1%eth0]" -> "FE80::1". */
export function bareAddress(text: string): string {
  const unbracketed = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const zone = unbracketed.indexOf("%");
  return zone === -1 ? unbracketed : unbracketed.slice(0, zone);
}

/** The 4 bytes of a dotted-quad IPv4 address, or null when the text is not one. */
export function ipv4Bytes(text: string): Uint8Array | null {
  if (isIP(text) !== 4) return null;
  return Uint8Array.from(text.split(".").map(Number));
}

/**
 * The 16 bytes of an IPv6 address in any textual form: compressed (`::`), a trailing dotted quad
 * (`::ffff:1.2.3.4`), a zone id (`fe80::1%eth0`), URL brackets, upper case. Null when it is not one.
 */
export function ipv6Bytes(text: string): Uint8Array | null {
  const address = bareAddress(text).toLowerCase();
  if (isIP(address) !== 6) return null;
  // A trailing dotted quad is the last two 16-bit groups.
  const hexOnly = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) => {
    const high = (Number(a) << 8) | Number(b);
    const low = (Number(c) << 8) | Number(d);
    return `${high.toString(16)}:${low.toString(16)}`;
  });
  const [head = "", tail] = hexOnly.split("::");
  const groups = (part: string | undefined) =>
    part ? part.split(":").map((group) => Number.parseInt(group, 16)) : [];
  const before = groups(head);
  const after = groups(tail);
  // Without "::" there are eight groups; with it, the missing ones are zeros.
  const words = [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
  const bytes = new Uint8Array(16);
  words.forEach((word, index) => {
    bytes[index * 2] = word >> 8;
    bytes[index * 2 + 1] = word & 0xff;
  });
  return bytes;
}

/** Four bytes at `offset` as a dotted quad. */
export function ipv4Text(bytes: Uint8Array, offset = 0): string {
  return Array.from(bytes.subarray(offset, offset + 4)).join(".");
}

/** Sixteen bytes as eight uncompressed hex groups, the form Node's BlockList reads. */
export function ipv6Text(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2) {
    groups.push((((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0)).toString(16));
  }
  return groups.join(":");
}
