import { describe, expect, it } from "vitest";
import { findPrice, modelCandidates } from "../../../../shared/pricing/model-match.ts";
import { PRICES } from "../../../../shared/pricing/prices.ts";
import { findProvider } from "../../../../shared/providers/registry.ts";

describe("the pricing table", () => {
  it("is not empty and covers several providers", () => {
    expect(PRICES.length).toBeGreaterThan(20);
    expect(new Set(PRICES.map((entry) => entry.provider)).size).toBeGreaterThanOrEqual(7);
  });

  it.each(PRICES.map((entry) => [`${entry.provider}/${entry.model}`, entry] as const))(
    "%s has an https source, a read date and a confirmation",
    (_name, entry) => {
      expect(new URL(entry.source).protocol).toBe("https:");
      expect(entry.readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(Date.parse(`${entry.readOn}T00:00:00Z`))).toBe(false);
      expect(["official", "secondary"]).toContain(entry.confirmation);
    },
  );

  it.each(PRICES.map((entry) => [`${entry.provider}/${entry.model}`, entry] as const))(
    "%s has finite, non-negative prices",
    (_name, entry) => {
      for (const price of [entry.input, entry.output, entry.cacheRead ?? 0, entry.cacheWrite ?? 0]) {
        expect(Number.isFinite(price)).toBe(true);
        expect(price).toBeGreaterThanOrEqual(0);
      }
      expect(entry.input + entry.output).toBeGreaterThan(0);
    },
  );

  it("names providers by their registry slug", () => {
    for (const entry of PRICES) expect(findProvider(entry.provider), entry.provider).toBeDefined();
  });

  it("has lower-case ids that are their own first lookup candidate", () => {
    for (const entry of PRICES) {
      for (const name of [entry.model, ...(entry.aliases ?? [])]) {
        expect(name).toBe(name.toLowerCase());
        expect(modelCandidates(name)[0]).toBe(name);
      }
    }
  });

  it("has no duplicate key: a model or alias names one entry per provider", () => {
    const seen = new Set<string>();
    for (const entry of PRICES) {
      for (const name of [entry.model, ...(entry.aliases ?? [])]) {
        const key = `${entry.provider}/${name}`;
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
      }
    }
  });

  it("finds every entry by its model id and by each alias", () => {
    for (const entry of PRICES) {
      expect(findPrice(entry.provider, entry.model)).toBe(entry);
      for (const alias of entry.aliases ?? []) expect(findPrice(entry.provider, alias)).toBe(entry);
    }
  });

  it("prices cached tokens no higher than uncached input for reads", () => {
    for (const entry of PRICES) {
      if (entry.cacheRead !== null) expect(entry.cacheRead).toBeLessThanOrEqual(entry.input);
    }
  });
});
