import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import { UpstreamGuard } from "../../../../shared/http/upstream-guard.ts";

const resolver = (table: Record<string, string[]>) => async (host: string) => table[host] ?? [];

/** Literal hosts, one per IPv6 form that carries an IPv4 address or that IANA reserves (docs/security.md). */
const REFUSED_LITERALS = [
  ["NAT64 (64:ff9b::/96)", "http://[64:ff9b::a9fe:a9fe]/"],
  ["NAT64, dotted quad", "http://[64:ff9b::169.254.169.254]/"],
  ["local-use NAT64 (64:ff9b:1::/48)", "http://[64:ff9b:1::a9fe:a9fe]/"],
  ["6to4 (2002::/16)", "https://[2002:a9fe:a9fe::1]/v1"],
  ["Teredo (2001::/32), server", "https://[2001:0:a9fe:a9fe::f7f7:f7f7]/"],
  ["Teredo (2001::/32), client", "https://[2001:0:808:808::5601:5601]/"],
  ["IPv4-compatible (::a.b.c.d)", "http://[::169.254.169.254]/"],
  ["IPv4-mapped (::ffff:a.b.c.d)", "http://[::ffff:169.254.169.254]/"],
  ["IPv4-translated (::ffff:0:a.b.c.d)", "http://[::ffff:0:169.254.169.254]/"],
  ["discard-only (100::/64)", "http://[100::1]/"],
  ["documentation (2001:db8::/32)", "http://[2001:db8::1]/"],
  ["ORCHID (2001:10::/28)", "http://[2001:10::1]/"],
  ["ORCHIDv2 (2001:20::/28)", "http://[2001:20::1]/"],
  ["site-local (fec0::/10)", "http://[fec0::1]/"],
  ["upper case", "http://[64:FF9B::A9FE:A9FE]/"],
  ["loopback", "http://[::1]:9000/"],
  ["IPv4 loopback", "http://127.0.0.1:8080/v1"],
  ["IPv4 loopback, shorthand", "http://127.1/"],
  ["IPv4 loopback, as a number", "http://2130706433/"],
] as const;

describe("UpstreamGuard", () => {
  it("refuses a literal loopback host with 403, code 7011, naming TRUSTED_UPSTREAM_HOSTS", async () => {
    const error = await new UpstreamGuard([]).check("http://127.0.0.1:8080/v1").catch((caught) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 403, code: 7011 });
    expect(error.message).toContain("TRUSTED_UPSTREAM_HOSTS");
  });

  it.each(REFUSED_LITERALS)("refuses a literal host in the %s form: %s", async (_form, url) => {
    const guard = new UpstreamGuard([], {
      resolve: async () => {
        throw new Error("a literal address is not resolved");
      },
    });
    await expect(guard.check(url)).rejects.toMatchObject({ status: 403, code: 7011 });
  });

  it.each([
    ["NAT64 of a public address", "64:ff9b::808:808"],
    ["6to4 of a public address", "2002:808:808::1"],
    ["Teredo between public addresses", "2001:0:808:808::f7f7:f7f7"],
    ["IPv4-mapped public address", "::ffff:8.8.8.8"],
  ])("lets a name through that resolves to a %s, pinned to it", async (_form, address) => {
    const guard = new UpstreamGuard([], { resolve: resolver({ "api.example": [address] }) });
    await expect(guard.check("https://api.example/v1")).resolves.toEqual({
      hostname: "api.example",
      addresses: [address],
    });
  });

  it.each(
    REFUSED_LITERALS.filter(([form]) => !form.startsWith("IPv4 loopback,")).map(([form, url]) => [
      form,
      new URL(url).hostname.slice(1, -1) || new URL(url).hostname,
    ]),
  )("refuses a name that resolves to the %s form (%s)", async (_form, address) => {
    const guard = new UpstreamGuard([], { resolve: resolver({ "rebind.example": ["8.8.8.8", address] }) });
    await expect(guard.check("https://rebind.example/")).rejects.toMatchObject({ status: 403, code: 7011 });
  });

  it("refuses a name that resolves to the metadata service", async () => {
    const guard = new UpstreamGuard([], { resolve: resolver({ "metadata.example": ["169.254.169.254"] }) });
    await expect(guard.check("https://metadata.example/latest")).rejects.toMatchObject({ status: 403 });
  });

  it("refuses a name when any of its addresses is private", async () => {
    const guard = new UpstreamGuard([], { resolve: resolver({ "mixed.example": ["8.8.8.8", "10.0.0.5"] }) });
    await expect(guard.check("https://mixed.example/")).rejects.toMatchObject({ status: 403 });
  });

  it("judges a resolved address with a zone id as its address", async () => {
    const guard = new UpstreamGuard([], { resolve: resolver({ "zone.example": ["fe80::1%eth0"] }) });
    await expect(guard.check("https://zone.example/")).rejects.toMatchObject({ status: 403 });
  });

  it("pins a name with public addresses to every address it checked", async () => {
    const guard = new UpstreamGuard([], {
      resolve: resolver({ "api.example": ["93.184.216.34", "2606:2800:220:1::1"] }),
    });
    await expect(guard.check("https://API.example/v1")).resolves.toEqual({
      hostname: "api.example",
      addresses: ["93.184.216.34", "2606:2800:220:1::1"],
    });
  });

  it("pins a public literal address to itself", async () => {
    await expect(new UpstreamGuard([]).check("https://[2606:4700::6812:6c0]/v1")).resolves.toEqual({
      hostname: "2606:4700::6812:6c0",
      addresses: ["2606:4700::6812:6c0"],
    });
  });

  it("lets a trusted host through without resolving or pinning it, case-insensitively", async () => {
    const guard = new UpstreamGuard([" Mock.Internal ", "127.0.0.1", "::1"], {
      resolve: async () => {
        throw new Error("must not resolve a trusted host");
      },
    });
    await expect(guard.check("http://mock.internal:9000/")).resolves.toBeUndefined();
    await expect(guard.check("http://127.0.0.1:9000/")).resolves.toBeUndefined();
    await expect(guard.check("http://[::1]:9000/")).resolves.toBeUndefined();
  });

  it("matches a trusted IPv6 address however it is written", async () => {
    const guard = new UpstreamGuard(["FD00:0:0::1", "[fe80::0001]"]);
    await expect(guard.check("http://[fd00::1]:8080/")).resolves.toBeUndefined();
    await expect(guard.check("http://[FE80::1]/")).resolves.toBeUndefined();
  });

  it("resolves a host once per time to live and pins every call in it to the same addresses", async () => {
    let lookups = 0;
    const guard = new UpstreamGuard([], {
      resolve: async () => {
        lookups += 1;
        return lookups === 1 ? ["93.184.216.34"] : ["169.254.169.254"];
      },
    });
    const first = await guard.check("https://api.example/a");
    const second = await guard.check("https://api.example/b");
    expect(lookups).toBe(1);
    expect(second).toEqual(first);
  });

  it("judges the new answer once the time to live is over", async () => {
    let lookups = 0;
    const guard = new UpstreamGuard([], {
      ttlMs: 0,
      resolve: async () => {
        lookups += 1;
        return lookups === 1 ? ["93.184.216.34"] : ["169.254.169.254"];
      },
    });
    await guard.check("https://api.example/a");
    await expect(guard.check("https://api.example/b")).rejects.toMatchObject({ status: 403 });
  });

  it("hands a name that does not resolve to the call as a failed pin, and asks again next time", async () => {
    let lookups = 0;
    const guard = new UpstreamGuard([], {
      resolve: async () => {
        lookups += 1;
        throw Object.assign(new Error("getaddrinfo ENOTFOUND nowhere.example"), { code: "ENOTFOUND" });
      },
    });
    const pin = await guard.check("https://nowhere.example/");
    expect(pin).toMatchObject({ hostname: "nowhere.example", addresses: [], failure: { code: "ENOTFOUND" } });
    await guard.check("https://nowhere.example/");
    expect(lookups).toBe(2);
  });
});
