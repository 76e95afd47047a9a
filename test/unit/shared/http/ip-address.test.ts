import { describe, expect, it } from "vitest";
import { bareAddress, ipv4Bytes, ipv4Text, ipv6Bytes, ipv6Text } from "../../../../shared/http/ip-address.ts";

const hex = (bytes: Uint8Array | null) => (bytes ? Buffer.from(bytes).toString("hex") : null);

describe("bareAddress", () => {
  it.each([
    ["[::1]", "::1"],
    ["fe80::1%eth0", "fe80::1"],
    ["[FE80::1%25en0]", "FE80::1"],
    ["10.0.0.1", "10.0.0.1"],
  ])("turns %s into %s", (text, bare) => {
    expect(bareAddress(text)).toBe(bare);
  });
});

describe("ipv6Bytes", () => {
  it.each([
    ["::", "00000000000000000000000000000000"],
    ["::1", "00000000000000000000000000000001"],
    ["1::", "00010000000000000000000000000000"],
    ["2001:db8::8a2e:370:7334", "20010db80000000000008a2e03707334"],
    ["2001:0db8:0000:0000:0000:8a2e:0370:7334", "20010db80000000000008a2e03707334"],
    ["1:2:3:4:5:6:7:8", "00010002000300040005000600070008"],
    ["::2:3:4:5:6:7:8", "00000002000300040005000600070008"],
    ["1:2:3:4:5:6:7::", "00010002000300040005000600070000"],
    ["FE80::ABCD", "fe80000000000000000000000000abcd"],
    ["fe80::1%eth0", "fe800000000000000000000000000001"],
    ["[::1]", "00000000000000000000000000000001"],
    ["[fe80::1%25en0]", "fe800000000000000000000000000001"],
    ["::ffff:169.254.169.254", "00000000000000000000ffffa9fea9fe"],
    ["::FFFF:a9fe:A9FE", "00000000000000000000ffffa9fea9fe"],
    ["::169.254.169.254", "000000000000000000000000a9fea9fe"],
    ["::ffff:0:10.0.0.1", "0000000000000000ffff00000a000001"],
    ["64:ff9b::192.0.2.33", "0064ff9b0000000000000000c0000221"],
    ["1:2:3:4:5:6:1.2.3.4", "00010002000300040005000601020304"],
  ])("expands %s", (text, bytes) => {
    expect(hex(ipv6Bytes(text))).toBe(bytes);
  });

  it.each([
    "",
    "1.2.3.4",
    ":::",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7::8",
    "::ffff:01.2.3.4",
    "g::1",
    "[::1",
  ])("refuses %j", (text) => {
    expect(ipv6Bytes(text)).toBeNull();
  });
});

describe("ipv4Bytes", () => {
  it("reads a dotted quad and refuses anything else", () => {
    expect(Array.from(ipv4Bytes("169.254.169.254") ?? [])).toEqual([169, 254, 169, 254]);
    for (const text of ["::1", "1.2.3", "01.2.3.4", "256.0.0.1", "1.2.3.4%1", ""])
      expect(ipv4Bytes(text)).toBeNull();
  });
});

describe("ipv4Text and ipv6Text", () => {
  it("write bytes back as a dotted quad and eight hex groups", () => {
    const bytes = ipv6Bytes("64:ff9b::a9fe:a9fe") ?? new Uint8Array(16);
    expect(ipv6Text(bytes)).toBe("64:ff9b:0:0:0:0:a9fe:a9fe");
    expect(ipv4Text(bytes, 12)).toBe("169.254.169.254");
  });
});
