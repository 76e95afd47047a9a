import { describe, expect, it } from "vitest";
import { findDotSegment, refuseDotSegments } from "../../../../shared/core/dot-segments.ts";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";

describe("findDotSegment", () => {
  it.each([
    ["/a/..", ".."],
    ["/a/../b", ".."],
    ["/a/./b", "."],
    ["/a/%2e%2e/b", "%2e%2e"],
    ["/a/%2E%2E", "%2E%2E"],
    ["/a/.%2e/b", ".%2e"],
    ["/a/%2E./b", "%2E."],
    ["/a/%2e", "%2e"],
    ["/a\\..\\b", ".."],
    ["/a/b%5c..", undefined],
  ])("finds the dot segment of %j", (path, segment) => {
    expect(findDotSegment(path)).toBe(segment);
  });

  it.each([
    "/v1/acct/default/openai/chat/completions",
    "/v1/a/.well-known/x",
    "/v1/a/.../b",
    "/v1/a/..b/c",
    "/v1/a/%2e%2e%2e",
    "/v1/a/%252e%252e",
    "/v1/model/x.y/..z",
    "",
  ])("finds none in %j", (path) => {
    expect(findDotSegment(path)).toBeUndefined();
  });
});

describe("refuseDotSegments", () => {
  it("refuses a path with a dot segment with a 400 naming it", () => {
    let thrown: unknown;
    try {
      refuseDotSegments("/client/v4/accounts/a/ai-gateway/gateways/g/provider_configs/%2e%2e");
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(GatewayError);
    expect(thrown).toMatchObject({
      status: 400,
      message: expect.stringContaining('"%2e%2e" is a dot segment'),
    });
  });

  it("lets a path without one through", () => {
    expect(() => refuseDotSegments("/v1/a/g/openai/chat/completions")).not.toThrow();
  });
});
