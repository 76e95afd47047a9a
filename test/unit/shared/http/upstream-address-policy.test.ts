import { describe, expect, it } from "vitest";
import { ipv6Bytes } from "../../../../shared/http/ip-address.ts";
import { embeddedIpv4, isPrivateAddress } from "../../../../shared/http/upstream-address-policy.ts";

/**
 * Each form: addresses refused because what they carry or where they sit is private or reserved, and
 * addresses of the same form let through because they carry a public IPv4 address (docs/security.md).
 * 169.254.169.254 (a9fe:a9fe) is the instance metadata service; 8.8.8.8 (808:808) is public.
 */
const FORMS: { form: string; refused: string[]; allowed: string[] }[] = [
  {
    form: "IPv4",
    refused: [
      "0.0.0.0",
      "10.1.2.3",
      "100.64.0.1",
      "127.0.0.1",
      "169.254.169.254",
      "172.16.0.1",
      "172.31.255.255",
      "192.0.0.8",
      "192.0.2.1",
      "192.88.99.1",
      "192.168.1.1",
      "198.18.0.1",
      "198.51.100.7",
      "203.0.113.9",
      "224.0.0.1",
      "240.0.0.1",
      "255.255.255.255",
    ],
    allowed: ["8.8.8.8", "172.32.0.1", "104.18.6.192", "93.184.216.34"],
  },
  {
    form: "IPv4-mapped (::ffff:0:0/96)",
    refused: ["::ffff:127.0.0.1", "::ffff:10.0.0.1", "::FFFF:A9FE:A9FE", "[::ffff:169.254.169.254]"],
    allowed: ["::ffff:8.8.8.8", "::ffff:808:808"],
  },
  {
    form: "IPv4-translated (::ffff:0:0:0/96)",
    refused: ["::ffff:0:169.254.169.254", "::ffff:0:a00:1", "0:0:0:0:ffff:0:7f00:1"],
    allowed: ["::ffff:0:8.8.8.8"],
  },
  {
    form: "IPv4-compatible (::/96)",
    refused: ["::169.254.169.254", "::a9fe:a9fe", "::127.0.0.1", "::10.0.0.1", "::", "::1", "::2"],
    allowed: ["::8.8.8.8"],
  },
  {
    form: "NAT64 (64:ff9b::/96)",
    refused: ["64:ff9b::a9fe:a9fe", "64:ff9b::169.254.169.254", "64:FF9B::10.0.0.1", "64:ff9b::7f00:1"],
    allowed: ["64:ff9b::808:808", "64:ff9b::8.8.8.8"],
  },
  {
    // Local use: the operator picks the prefix length, so where the IPv4 address sits is unknowable.
    form: "local-use NAT64 (64:ff9b:1::/48)",
    refused: ["64:ff9b:1::a9fe:a9fe", "64:ff9b:1::808:808", "64:ff9b:1:ffff::1"],
    allowed: [],
  },
  {
    form: "6to4 (2002::/16)",
    refused: ["2002:a9fe:a9fe::1", "2002:a00:1::", "2002:7f00:1:1::1", "2002::1"],
    allowed: ["2002:808:808::1", "2002:808:808:1:2:3:4:5"],
  },
  {
    // The server is bits 32-63; the client the last 32 bits, inverted: f7f7:f7f7 is 8.8.8.8, 5601:5601 the metadata address.
    form: "Teredo (2001::/32)",
    refused: [
      "2001:0:a9fe:a9fe::f7f7:f7f7",
      "2001:0:808:808::5601:5601",
      "2001:0:a00:1::f7f7:f7f7",
      "2001::1",
    ],
    allowed: ["2001:0:808:808::f7f7:f7f7", "2001:0:808:808:8000:ffff:f7f7:f7f7"],
  },
  {
    form: "reserved and special-purpose IPv6",
    refused: [
      "100::1", // discard-only
      "100::ffff:ffff:ffff:ffff",
      "2001:2::1", // benchmarking
      "2001:3::1", // AMT, inside the IETF protocol assignments
      "2001:10::1", // ORCHID
      "2001:20::1", // ORCHIDv2
      "2001:1ff:ffff::1", // the end of 2001::/23
      "2001:db8::1", // documentation
      "2001:DB8:FFFF::1",
      "3fff::1", // documentation
      "5f00::1", // SRv6
      "fc00::1", // unique local
      "fd00:ec2::254", // the IPv6 instance metadata service
      "fe80::1", // link-local
      "fe80::1%eth0",
      "[FE80::1%25en0]",
      "fec0::1", // site-local
      "ff02::1", // multicast
      "::ffff:0:0:0:1", // outside 2000::/3
      "4000::1",
      "1::1",
    ],
    allowed: ["2606:4700::6812:6c0", "2a00:1450:4001:800::200e", "2001:200::1", "2620:4f:8000::1", "3ffe::1"],
  },
];

describe("isPrivateAddress", () => {
  describe.each(FORMS)("$form", ({ refused, allowed }) => {
    it.each(refused)("refuses %s", (address) => {
      expect(isPrivateAddress(address)).toBe(true);
    });
    if (allowed.length > 0) {
      it.each(allowed)("lets %s through", (address) => {
        expect(isPrivateAddress(address)).toBe(false);
      });
    }
  });

  it.each(["not-an-ip", "", "1.2.3", "[::1", "example.com"])(
    "refuses %j, which is not an address",
    (text) => {
      expect(isPrivateAddress(text)).toBe(true);
    },
  );
});

describe("embeddedIpv4", () => {
  it.each([
    ["::ffff:1.2.3.4", ["1.2.3.4"]],
    ["::ffff:0:1.2.3.4", ["1.2.3.4"]],
    ["::1.2.3.4", ["1.2.3.4"]],
    ["64:ff9b::102:304", ["1.2.3.4"]],
    ["2002:102:304::", ["1.2.3.4"]],
    ["2001:0:102:304::fefd:fcfb", ["1.2.3.4", "1.2.3.4"]],
    ["2606:4700::1", null],
    ["64:ff9b:1::102:304", null],
  ])("finds the IPv4 addresses %s carries", (address, expected) => {
    expect(embeddedIpv4(ipv6Bytes(address) ?? new Uint8Array(16))).toEqual(expected);
  });
});
