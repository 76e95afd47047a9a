import { describe, expect, it } from "vitest";
import {
  apiTokenPreview,
  generateApiTokenValue,
  hashApiTokenValue,
  looksLikeApiToken,
} from "../../../../shared/security/api-token-value.ts";
import { secretPreview } from "../../../../shared/security/secret-preview.ts";

describe("API token values", () => {
  it("are aig_ and at least 40 random base64url characters, never the same twice", () => {
    const first = generateApiTokenValue();
    expect(first).toMatch(/^aig_[A-Za-z0-9_-]{40,}$/);
    expect(generateApiTokenValue()).not.toBe(first);
  });

  it("are stored as their SHA-256 in hex", () => {
    expect(hashApiTokenValue("aig_x")).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiTokenValue("aig_x")).not.toBe(hashApiTokenValue("aig_y"));
  });

  it("are previewed by their prefix, four characters and the last four", () => {
    const value = generateApiTokenValue();
    expect(apiTokenPreview(value)).toBe(`${value.slice(0, 8)}...${value.slice(-4)}`);
  });

  it("are recognised by their prefix and length before any lookup", () => {
    expect(looksLikeApiToken(generateApiTokenValue())).toBe(true);
    expect(looksLikeApiToken("sk-not-ours")).toBe(false);
    expect(looksLikeApiToken(`aig_${"x".repeat(200)}`)).toBe(false);
  });
});

describe("secretPreview", () => {
  it("shows the first and last four characters of a long secret", () => {
    expect(secretPreview("sk-proj-abcdefghijklmnop")).toBe("sk-p...mnop");
  });

  it("shows nothing of a short secret", () => {
    expect(secretPreview("short-secret")).toBe("****");
  });
});
