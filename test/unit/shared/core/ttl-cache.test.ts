import { describe, expect, it } from "vitest";
import { TtlCache } from "../../../../shared/core/ttl-cache.ts";

describe("TtlCache", () => {
  it("loads once per key within the time to live, and again after it", async () => {
    let now = 0;
    let loads = 0;
    const cache = new TtlCache<number>(1_000, () => now);
    const load = async () => ++loads;
    expect(await cache.get("k", load)).toBe(1);
    now = 999;
    expect(await cache.get("k", load)).toBe(1);
    now = 1_000;
    expect(await cache.get("k", load)).toBe(2);
  });

  it("shares one load between concurrent misses", async () => {
    let loads = 0;
    const cache = new TtlCache<number>(1_000);
    const load = () => new Promise<number>((resolve) => setTimeout(() => resolve(++loads), 10));
    const values = await Promise.all([cache.get("k", load), cache.get("k", load), cache.get("k", load)]);
    expect(values).toEqual([1, 1, 1]);
  });

  it("does not keep a failed load", async () => {
    const cache = new TtlCache<number>(1_000);
    await expect(cache.get("k", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await cache.get("k", async () => 7)).toBe(7);
  });

  it("bounds its size by starting over when full", async () => {
    let loads = 0;
    const cache = new TtlCache<number>(60_000, Date.now, 2);
    const load = async () => ++loads;
    await cache.get("a", load);
    await cache.get("b", load);
    await cache.get("c", load);
    expect(await cache.get("a", load)).toBe(4);
  });
});
