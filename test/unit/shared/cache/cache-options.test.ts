import { describe, expect, it } from "vitest";
import { planCache } from "../../../../shared/cache/cache-options.ts";
import { defaultGateway, type Gateway } from "../../../../shared/schemas/gateway.ts";

const gateway = (cacheTtl: number): Gateway => ({
  ...defaultGateway("gw", new Date(0)),
  cache_ttl: cacheTtl,
});
const plan = (cacheTtl: number, headers: Record<string, string> = {}, method = "POST", bytes = 10) =>
  planCache(gateway(cacheTtl), new Headers(headers), method, bytes);

describe("planCache", () => {
  it("does not apply when the gateway's cache_ttl is 0 and no header asks for caching", () => {
    expect(plan(0)).toBeNull();
  });

  it("uses the gateway's cache_ttl, and a header TTL over it", () => {
    expect(plan(120)).toEqual({ ttlSeconds: 120, customKey: null });
    expect(plan(120, { "cf-aig-cache-ttl": "600" })).toEqual({ ttlSeconds: 600, customKey: null });
    expect(plan(0, { "cf-aig-cache-ttl": "60" })).toEqual({ ttlSeconds: 60, customKey: null });
  });

  it("gives a custom key 5 minutes on a gateway with caching off", () => {
    expect(plan(0, { "cf-aig-cache-key": "k" })).toEqual({ ttlSeconds: 300, customKey: "k" });
    expect(plan(90, { "cf-aig-cache-key": "k" })).toEqual({ ttlSeconds: 90, customKey: "k" });
  });

  it("skips the cache with cf-aig-skip-cache: true or its deprecated alias", () => {
    expect(plan(120, { "cf-aig-skip-cache": "true" })).toBeNull();
    expect(plan(120, { "cf-skip-cache": "true" })).toBeNull();
    expect(plan(120, { "cf-aig-skip-cache": "false" })).not.toBeNull();
  });

  it("accepts the deprecated cf-cache-ttl", () => {
    expect(plan(0, { "cf-cache-ttl": "3600" })?.ttlSeconds).toBe(3600);
  });

  it("caches only GET and POST requests up to 25 MB", () => {
    expect(plan(120, {}, "PUT")).toBeNull();
    expect(plan(120, {}, "GET")).not.toBeNull();
    expect(plan(120, {}, "POST", 25 * 1024 * 1024 + 1)).toBeNull();
  });

  it.each(["59", "2592001", "-60", "1.5", "abc", ""])(
    "refuses cf-aig-cache-ttl %j with a 400 naming it",
    (value) => {
      expect(() => plan(0, { "cf-aig-cache-ttl": value })).toThrow(/cf-aig-cache-ttl/);
    },
  );

  it("names the deprecated header when that is the one that is wrong", () => {
    expect(() => plan(0, { "cf-cache-ttl": "10" })).toThrow(/cf-cache-ttl/);
  });

  it("refuses a malformed skip header and an empty or oversized custom key", () => {
    expect(() => plan(0, { "cf-aig-skip-cache": "maybe" })).toThrow(/cf-aig-skip-cache/);
    expect(() => plan(0, { "cf-aig-cache-key": " " })).toThrow(/cf-aig-cache-key/);
    expect(() => plan(0, { "cf-aig-cache-key": "k".repeat(1025) })).toThrow(/cf-aig-cache-key/);
  });

  it("checks the headers even when the request is not cacheable", () => {
    expect(() => plan(0, { "cf-aig-skip-cache": "true", "cf-aig-cache-ttl": "5" })).toThrow(
      /cf-aig-cache-ttl/,
    );
  });
});
