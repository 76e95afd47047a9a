import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import { isPrivateAddress, UpstreamGuard } from "../../../../shared/http/upstream-guard.ts";

describe("isPrivateAddress", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "::1",
    "::",
    "fd00:ec2::254",
    "fe80::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
  ])("refuses %s", (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(["8.8.8.8", "172.32.0.1", "104.18.6.192", "2606:4700::6812:6c0", "::ffff:8.8.8.8"])(
    "lets public %s through",
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  it("treats something that is not an address as private", () => {
    expect(isPrivateAddress("not-an-ip")).toBe(true);
  });
});

describe("UpstreamGuard", () => {
  const resolver = (table: Record<string, string[]>) => async (host: string) => table[host] ?? [];

  it("refuses a literal loopback host with 403 naming TRUSTED_UPSTREAM_HOSTS", async () => {
    const guard = new UpstreamGuard([]);
    const error = await guard.check("http://127.0.0.1:8080/v1").catch((caught) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 403, code: 7011 });
    expect(error.message).toContain("TRUSTED_UPSTREAM_HOSTS");
  });

  it("refuses a name that resolves to the metadata service", async () => {
    const guard = new UpstreamGuard([], 30_000, resolver({ "metadata.example": ["169.254.169.254"] }));
    await expect(guard.check("https://metadata.example/latest")).rejects.toMatchObject({ status: 403 });
  });

  it("refuses a name when any of its addresses is private", async () => {
    const guard = new UpstreamGuard([], 30_000, resolver({ "mixed.example": ["8.8.8.8", "10.0.0.5"] }));
    await expect(guard.check("https://mixed.example/")).rejects.toMatchObject({ status: 403 });
  });

  it("refuses a bracketed IPv6 loopback host", async () => {
    await expect(new UpstreamGuard([]).check("http://[::1]:9000/")).rejects.toMatchObject({ status: 403 });
  });

  it("lets a name with public addresses through", async () => {
    const guard = new UpstreamGuard([], 30_000, resolver({ "api.example": ["93.184.216.34"] }));
    await expect(guard.check("https://api.example/v1")).resolves.toBeUndefined();
  });

  it("lets a trusted host through without resolving it, case-insensitively", async () => {
    const guard = new UpstreamGuard([" Mock.Internal ", "127.0.0.1"], 30_000, async () => {
      throw new Error("must not resolve a trusted host");
    });
    await expect(guard.check("http://mock.internal:9000/")).resolves.toBeUndefined();
    await expect(guard.check("http://127.0.0.1:9000/")).resolves.toBeUndefined();
  });

  it("caches a verdict per host for its time to live", async () => {
    let lookups = 0;
    const guard = new UpstreamGuard([], 30_000, async () => {
      lookups += 1;
      return ["93.184.216.34"];
    });
    await guard.check("https://api.example/a");
    await guard.check("https://api.example/b");
    expect(lookups).toBe(1);
  });
});
