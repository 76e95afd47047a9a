import { describe, expect, it } from "vitest";
import {
  candidateLocations,
  isValidShardCount,
  listingPartitions,
  shardsForRate,
  writeLocation,
} from "../../../../shared/store/log-shards.ts";

const ID = "019ae3c4-1d2e-7abc-8def-0123456789ab";

describe("log write shards", () => {
  it("puts a log and its body item in the same shard, from its id alone", () => {
    const location = writeLocation("acct", "gw", ID, 8);
    expect(location.logPk).toMatch(/^acct#gw#[0-7]$/);
    expect(location.bodyPk).toBe(location.logPk.replace("acct#gw#", "acct#gw#bodies#"));
    expect(writeLocation("acct", "gw", ID, 8)).toEqual(location);
  });

  it("writes the layout before shards when there is one shard", () => {
    expect(writeLocation("acct", "gw", ID, 1)).toEqual({ logPk: "acct#gw", bodyPk: "acct#gw#bodies" });
  });

  it("looks for a log in its shard first, then under each smaller shard count, then before shards", () => {
    const locations = candidateLocations("acct", "gw", ID, 8).map((location) => location.logPk);
    expect(locations[0]).toBe(writeLocation("acct", "gw", ID, 8).logPk);
    expect(locations).toContain(writeLocation("acct", "gw", ID, 4).logPk);
    expect(locations).toContain(writeLocation("acct", "gw", ID, 2).logPk);
    expect(locations.at(-1)).toBe("acct#gw");
    expect(new Set(locations).size).toBe(locations.length);
  });

  it("lists every shard and the partition before shards", () => {
    expect(listingPartitions("acct", "gw", 1)).toEqual(["acct#gw"]);
    expect(listingPartitions("acct", "gw", 4)).toEqual([
      "acct#gw",
      "acct#gw#0",
      "acct#gw#1",
      "acct#gw#2",
      "acct#gw#3",
    ]);
  });

  it("picks the smallest power of two that keeps each shard under half a partition's write limit", () => {
    expect(shardsForRate(100, 1)).toBe(1);
    expect(shardsForRate(1_000, 1)).toBe(2);
    expect(shardsForRate(1_000, 2)).toBe(4);
    expect(shardsForRate(1_001, 2)).toBe(8);
    expect(shardsForRate(1_000_000, 2)).toBe(64);
  });

  it("accepts powers of two from 1 to 64 only", () => {
    expect([1, 2, 4, 8, 16, 32, 64].every(isValidShardCount)).toBe(true);
    expect([0, 3, 6, 12, 128, 1.5, -2].some(isValidShardCount)).toBe(false);
  });
});
