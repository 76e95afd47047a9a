import { describe, expect, it } from "vitest";
import { bearerToken, tokensEqual } from "../../../../shared/core/bearer-token.ts";

describe("bearerToken", () => {
  it("reads the token after Bearer", () => {
    expect(bearerToken("Bearer abc.def-123")).toBe("abc.def-123");
  });

  it.each(["bearer tok", "BEARER tok", "BeArEr tok"])("accepts the scheme in any case: %s", (value) => {
    expect(bearerToken(value)).toBe("tok");
  });

  it("accepts extra spaces between the scheme and the token and after the token", () => {
    expect(bearerToken("Bearer    tok   ")).toBe("tok");
  });

  it("accepts a tab between the scheme and the token", () => {
    expect(bearerToken("Bearer\ttok")).toBe("tok");
  });

  it.each([
    ["a missing header", null],
    ["an empty header", ""],
    ["the scheme alone", "Bearer"],
    ["the scheme and spaces", "Bearer   "],
    ["another scheme", "Basic dXNlcjpwYXNz"],
    ["a bare token", "tok"],
    ["two tokens", "Bearer tok extra"],
    ["no space after the scheme", "Bearertok"],
  ])("returns null for %s", (_, value) => {
    expect(bearerToken(value)).toBeNull();
  });
});

describe("tokensEqual", () => {
  it("is true for equal tokens", () => {
    expect(tokensEqual("s3cret-token", "s3cret-token")).toBe(true);
  });

  it("is false for different tokens of the same length", () => {
    expect(tokensEqual("s3cret-token", "s3cret-tokeN")).toBe(false);
  });

  it("is false for tokens of different lengths", () => {
    expect(tokensEqual("s3cret", "s3cret-token")).toBe(false);
  });

  it("is false for an empty token against a real one", () => {
    expect(tokensEqual("", "s3cret-token")).toBe(false);
  });

  it("compares against the expected token of each call when it changes (a rotated admin token)", () => {
    expect(tokensEqual("old-token", "old-token")).toBe(true);
    expect(tokensEqual("old-token", "new-token")).toBe(false);
    expect(tokensEqual("new-token", "new-token")).toBe(true);
    expect(tokensEqual("new-token", "old-token")).toBe(false);
  });
});
